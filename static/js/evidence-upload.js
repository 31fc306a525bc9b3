/* Evidence block behaviour (no inline JS under the CSP): the upload progress bar, fed by htmx's
 * htmx:xhr:progress events, and the error line for refused requests (403 and the like), whose
 * plain-text body is shown as text. Listeners sit on the document, so blocks swapped in by htmx
 * need no re-binding. */
(function () {
  "use strict";

  function uploadForm(elt) {
    return elt && elt.closest ? elt.closest("[data-evidence-upload]") : null;
  }

  function progressBar(elt) {
    var form = uploadForm(elt);
    return form ? form.querySelector("[data-evidence-progress]") : null;
  }

  function errorBox(elt) {
    var block = elt && elt.closest ? elt.closest("[data-evidence-block]") : null;
    return block ? block.querySelector("[data-evidence-error]") : null;
  }

  function showError(elt, text) {
    var box = errorBox(elt);
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var box = errorBox(evt.target);
    if (box) { box.hidden = true; box.textContent = ""; }
    var bar = progressBar(evt.target);
    if (bar) { bar.value = 0; bar.hidden = false; }
  });

  document.addEventListener("htmx:xhr:progress", function (evt) {
    var bar = progressBar(evt.target);
    var detail = evt.detail || {};
    if (!bar || !detail.lengthComputable || !detail.total) { return; }
    // Upload and download progress both arrive here; the bar only moves forward.
    bar.value = Math.max(bar.value, Math.round((detail.loaded / detail.total) * 100));
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var bar = progressBar(evt.target);
    if (bar) { bar.hidden = true; }
  });

  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail && evt.detail.xhr;
    if (!xhr) { return; }
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = type.indexOf("text/plain") === 0 && xhr.responseText
      ? xhr.responseText
      : "Permintaan ditolak (" + xhr.status + "). Muat ulang halaman lalu coba lagi.";
    showError(evt.target, text);
  });

  document.addEventListener("htmx:sendError", function (evt) {
    showError(evt.target, "Koneksi terputus; permintaan tidak terkirim. Coba lagi.");
  });
})();
