// Live Markdown preview (rendered and sanitised by the server) and small form helpers.
// No inline script anywhere: the Content-Security-Policy forbids it.
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form && form.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function setupPreview() {
    var body = document.getElementById("body");
    var preview = document.getElementById("preview");
    if (!body || !preview || !body.dataset.preview) return;
    var timer = null;
    var seq = 0;
    function refresh() {
      var mine = ++seq;
      var data = new FormData();
      data.append("body", body.value);
      fetch(body.dataset.preview, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(body.form) },
      })
        .then(function (r) { return r.json(); })
        .then(function (json) {
          if (mine !== seq) return;
          if (json.error) {
            preview.textContent = json.error;
            preview.classList.add("muted");
          } else {
            preview.innerHTML = json.html; // sanitised server-side with nh3
            preview.classList.remove("muted");
          }
        })
        .catch(function () { preview.textContent = "Preview unavailable; your text is safe."; });
    }
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    if (body.value) refresh();
  }

  function setupKindToggle() {
    var fields = document.getElementById("practitioner-fields");
    if (!fields) return;
    var radios = document.querySelectorAll('input[name="kind"]');
    function update() {
      var checked = document.querySelector('input[name="kind"]:checked');
      fields.hidden = !(checked && checked.value === "practitioner");
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  }

  function setupCopyLink() {
    var input = document.getElementById("claim-link");
    if (input) input.addEventListener("focus", function () { input.select(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupPreview();
    setupKindToggle();
    setupCopyLink();
  });
})();
