// Checks the NIK as it is typed (the form works without this script too).
(function () {
  var input = document.getElementById("nik"), out = document.getElementById("nik-result");
  var token = document.querySelector('input[name="_csrf"]');
  if (!input || !out || !token || !window.fetch) return;
  var last = "";
  input.addEventListener("input", function () {
    var digits = input.value.replace(/[^0-9]/g, "");
    if (digits.length < 16 || digits === last) { if (digits.length < 16) out.textContent = ""; return; }
    last = digits;
    fetch("/api/v1/nik/check", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": token.value},
      body: JSON.stringify({nik: input.value})})
      .then(function (r) { return r.json(); })
      .then(function (r) {
        out.textContent = r.valid ? "NIK valid: lahir " + r.birthDate + ", " + (r.sex === "P" ? "perempuan" : "laki-laki")
          + (r.warnings.length ? ". " + r.warnings[0].message : "") : (r.message || "NIK tidak valid");
        out.className = r.valid ? "ok" : "bad";
      }).catch(function () { out.textContent = ""; });
  });
})();
