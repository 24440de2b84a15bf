// Drafts: a story form marked data-draft-url is saved to the server as the teller types (with the CSRF token).
// If a save fails (signed out, form expired, no network) the text is also kept in this tab's sessionStorage,
// never in localStorage, so a shared computer does not keep it once the tab is closed; it is put back in the
// form when the teller returns to it, and saved again.
(function () {
  "use strict";

  var DELAY = 1000;

  function fieldsOf(form) {
    var out = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token") return;
      (out[name] = out[name] || []).push(String(value));
    });
    return out;
  }

  function restore(form, fields) {
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.indexOf(el.value) !== -1;
        } else if (el.type !== "hidden") {
          el.value = values[0] || "";
        }
      });
    });
    var body = form.querySelector("#body");
    if (body) body.dispatchEvent(new Event("input")); // refresh the preview
  }

  function setup(form) {
    var status = form.querySelector(".draft-status");
    var key = "storybank-draft:" + form.dataset.draftKey;
    var timer = null;
    var seq = 0;

    function say(text) { if (status) status.textContent = text; }

    function keepHere() {
      try { sessionStorage.setItem(key, JSON.stringify(fieldsOf(form))); } catch (e) { /* storage full or off */ }
    }

    function save() {
      var mine = ++seq;
      var token = form.querySelector('input[name="csrf_token"]');
      fetch(form.dataset.draftUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
        redirect: "manual",
      }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      }).then(function (json) {
        if (mine !== seq) return;
        try { sessionStorage.removeItem(key); } catch (e) { /* ignore */ }
        say(json.saved ? "Draft saved at " + json.saved_at + ". Only you can see it." : "");
      }).catch(function () {
        if (mine !== seq) return;
        keepHere();
        say("Not saved to storybank just now (you may have been signed out). Your text is kept in this " +
            "browser tab: if you sign in again, it will be back in this form.");
      });
    }

    form.addEventListener("input", function () {
      keepHere();
      clearTimeout(timer);
      timer = setTimeout(save, DELAY);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(save, DELAY);
    });
    form.addEventListener("submit", keepHere); // if the post fails, the text is still here

    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (kept) {
      var body = form.querySelector("#body");
      var keptBody = (kept.body || [""])[0];
      if (body && keptBody && keptBody !== body.value) {
        restore(form, kept);
        say("The text you were writing is back. Saving it as a draft…");
        save();
      } else {
        try { sessionStorage.removeItem(key); } catch (e) { /* ignore */ }
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-draft-done]").forEach(function (el) { // saved: this tab's copy is done
      try { sessionStorage.removeItem("storybank-draft:" + el.dataset.draftDone); } catch (e) { /* ignore */ }
    });
    document.querySelectorAll("form[data-draft-url]").forEach(setup);
  });
})();
