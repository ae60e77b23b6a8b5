// The live check of the RT head's form (the form works without it): once 16
// digits are typed, the server runs the same entry checks as on saving (the
// NIK itself, duplicates in this and other programs, outside the Pemda, age)
// and the answer appears next to the NIK field.
(function () {
  var form = document.querySelector("form[data-nik-check]");
  var input = document.getElementById("nik"), out = document.getElementById("nik-result");
  var token = document.querySelector('input[name="_csrf"]');
  if (!form || !input || !out || !token || !window.fetch) return;
  var last = "", timer = null;
  function value(id) { var e = document.getElementById(id); return e ? e.value : ""; }
  function show(text, ok) { out.textContent = text; out.className = ok ? "ok" : "bad"; }
  function check() {
    var digits = input.value.replace(/[^0-9]/g, "");
    if (digits.length < 16) { out.textContent = ""; last = ""; return; }
    if (digits === last) return;
    last = digits;
    var body = {
      programID: value("programID"), nik: input.value, name: value("name") || "-",
      village: form.getAttribute("data-village"), rt: form.getAttribute("data-rt"), rw: form.getAttribute("data-rw"),
      occupation: value("occupation") || null, heirs: value("heirName") ? [{name: value("heirName"), relation: value("heirRelation")}] : []
    };
    fetch("/api/v1/proposals/check", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": token.value}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return {status: r.status, json: j}; }); })
      .then(function (r) {
        if (r.status !== 200) { show(r.json.error ? r.json.error.message : "", false); return; }
        // What the NIK says: its own errors, duplicates, the Pemda; the other fields are checked on saving.
        var about = (r.json.issues || []).filter(function (i) {
          return i.field === "nik" || /^(duplicate|participant|bpjs|outside|age)/.test(i.code);
        });
        var errors = about.filter(function (i) { return i.severity === "error"; });
        if (errors.length) { show(errors[0].message, false); input.setAttribute("aria-invalid", "true"); return; }
        input.removeAttribute("aria-invalid");
        show("NIK dapat diusulkan." + (about.length ? " " + about[0].message : ""), about.length === 0);
      }).catch(function () { out.textContent = ""; });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 400); });
})();
