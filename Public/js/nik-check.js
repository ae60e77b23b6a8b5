// The live check of the RT head's form (the form works without it): once 16
// digits are typed, the server runs the same entry checks as on saving
// (POST /api/v1/proposals/check, on the browser's session with its CSRF
// token): the NIK itself, duplicates in this and other programs, outside the
// Pemda, age. The answer appears in words next to the NIK field
// (aria-live). Waits until typing pauses; asks again when the program changes.
(function () {
  var form = document.querySelector("form[data-nik-check]");
  var input = document.getElementById("nik"), out = document.getElementById("nik-result");
  var token = document.querySelector('input[name="_csrf"]');
  var program = document.getElementById("programID");
  if (!form || !input || !out || !token || !window.fetch || !window.JSON) return;
  var last = "", timer = null, serial = 0;
  function value(id) { var e = document.getElementById(id); return e ? e.value : ""; }
  function show(text, kind) { out.textContent = text; out.className = kind; }
  function check() {
    var digits = input.value.replace(/[^0-9]/g, "");
    if (digits.length !== 16) { show("", "muted"); last = ""; return; }
    var key = digits + "|" + value("programID");
    if (key === last) return;
    last = key;
    var mine = ++serial;
    show("Memeriksa NIK…", "muted");
    var body = {
      programID: value("programID"), nik: digits, name: value("name") || "-",
      village: form.getAttribute("data-village"), rt: form.getAttribute("data-rt"), rw: form.getAttribute("data-rw"),
      occupation: value("occupation") || null,
      heirs: value("heirName") ? [{name: value("heirName"), relation: value("heirRelation")}] : []
    };
    fetch("/api/v1/proposals/check", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": token.value},
      body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return {status: r.status, json: j}; }); })
      .then(function (r) {
        if (mine !== serial) return; // a newer check is under way
        if (r.status !== 200) {
          // Too many checks, out of area, a session that ended: the server says what to do.
          last = "";
          show(r.json && r.json.error ? r.json.error.message : "NIK belum dapat diperiksa sekarang; akan diperiksa saat disimpan.", "bad");
          return;
        }
        // What the NIK says; the other fields are checked on saving.
        var about = (r.json.issues || []).filter(function (i) { return i.field === "nik"; });
        var errors = about.filter(function (i) { return i.severity === "error"; });
        var warnings = about.filter(function (i) { return i.severity === "warning"; });
        if (errors.length) {
          input.setAttribute("aria-invalid", "true");
          show(errors.map(function (i) { return i.message; }).join(" "), "bad");
          return;
        }
        input.removeAttribute("aria-invalid");
        if (warnings.length) {
          show("NIK dapat diusulkan. Periksa: " + warnings.map(function (i) { return i.message; }).join(" "), "bad");
        } else {
          show("NIK dapat diusulkan.", "ok");
        }
      })
      .catch(function () { if (mine === serial) { last = ""; show("", "muted"); } });
  }
  function later() { clearTimeout(timer); timer = setTimeout(check, 500); }
  input.addEventListener("input", later);
  if (program) program.addEventListener("change", later);
})();
