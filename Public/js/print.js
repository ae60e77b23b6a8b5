// "Cetak daftar": the browser's print dialog (a PDF on phones). Works without it too: Ctrl+P.
(function () {
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.addEventListener('click', function () { window.print(); });
  });
})();
