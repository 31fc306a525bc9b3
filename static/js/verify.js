// The public verification page: hash the chosen file in the browser (Web Crypto) and compare it
// with the registered SHA-256. The file never leaves the browser; the form still posts it to the
// server check when the visitor presses the button (or when Web Crypto is unavailable).
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var input = document.getElementById("verify-file");
  var out = document.getElementById("verify-local");
  if (!form || !input || !out || !window.crypto || !window.crypto.subtle) {
    return;
  }
  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) {
      text += bytes[i].toString(16).padStart(2, "0");
    }
    return text;
  }
  input.addEventListener("change", function () {
    out.textContent = "";
    out.className = "mb-2";
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    file.arrayBuffer().then(function (data) {
      return window.crypto.subtle.digest("SHA-256", data);
    }).then(function (digest) {
      var matches = hex(digest) === form.dataset.sha256;
      var message = matches ? form.dataset.textMatch : form.dataset.textMismatch;
      if (matches && form.dataset.revoked === "yes") {
        message += " " + form.dataset.textRevoked;
      }
      out.textContent = message;
      out.className = "mb-2 alert " + (matches && form.dataset.revoked !== "yes" ? "alert-success" : "alert-danger");
      out.dataset.match = matches ? "yes" : "no";
    }).catch(function () {
      out.textContent = "";
    });
  });
})();
