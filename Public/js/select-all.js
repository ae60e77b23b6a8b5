// "Pilih semua di halaman ini": shown only when JS runs; ticks or clears
// every enabled checkbox named by data-select-all in the same form.
(function () {
  document.querySelectorAll('[data-select-all]').forEach(function (box) {
    var form = box.form;
    var name = box.getAttribute('data-select-all');
    if (!form) return;
    var holder = box.closest('[hidden]');
    if (holder) holder.hidden = false;
    function boxes() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.type === 'checkbox' && el.name === name && !el.disabled;
      });
    }
    box.addEventListener('change', function () {
      boxes().forEach(function (el) { el.checked = box.checked; });
    });
    form.addEventListener('change', function (event) {
      if (event.target === box || event.target.name !== name) return;
      var all = boxes();
      var ticked = all.filter(function (el) { return el.checked; }).length;
      box.checked = ticked === all.length && all.length > 0;
      box.indeterminate = ticked > 0 && ticked < all.length;
    });
  });
})();
