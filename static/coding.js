// The coding page without reloads: every form marked data-in-place (apply, whole story, remove, memos,
// suggestions) is sent with fetch to its own action, asking for JSON, with the page's CSRF token. The
// answer carries the parts of the page that changed, a message and how to undo the action; the reader's
// place in the story stays where it was. Without JavaScript, or if the answer is not JSON, the forms post
// and redirect as before. The last action can be undone (the Undo button, or Ctrl+Z outside a text field).
(function () {
  "use strict";

  var lastUndo = null;
  var busy = false;

  function token() {
    var field = document.querySelector('#apply-form input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function say(message, undoable, isError) {
    var box = document.getElementById("coding-status");
    var text = document.getElementById("coding-message");
    var button = document.getElementById("undo-button");
    if (!box || !text || !button) return;
    box.hidden = false;
    box.classList.toggle("is-error", Boolean(isError));
    text.textContent = message;
    button.hidden = !undoable;
    button.textContent = undoable ? "Undo " + lastUndo.label : "Undo";
  }

  function send(action, data) {
    return fetch(action, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": token() }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        var err = new Error("not JSON");
        err.notJson = true;
        throw err;
      }
      return response.json().then(function (json) { json.ok = response.ok; return json; });
    });
  }

  function resetSelection() {
    ["sel-start", "sel-end"].forEach(function (id) {
      var field = document.getElementById(id);
      if (field) field.value = "";
    });
    var sel = window.getSelection();
    if (sel) sel.removeAllRanges();
    var status = document.getElementById("selection-status");
    if (status) status.textContent = "Select text in the story, then choose codes.";
    document.querySelectorAll("#code-picker input:checked").forEach(function (box) { box.checked = false; });
    document.querySelectorAll("#code-picker .ticked-by-key").forEach(function (l) { l.classList.remove("ticked-by-key"); });
  }

  function swap(json) {
    var active = document.activeElement;
    Object.keys(json.panels || {}).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.innerHTML = json.panels[id]; // rendered and escaped by the server's templates
    });
    if (window.storybankColours) window.storybankColours();
    document.dispatchEvent(new CustomEvent("storybank:panels", { detail: { focus: json.focus || "" } }));
    var target = json.focus ? document.getElementById(json.focus) : null;
    if (target && !/^suggestion-/.test(json.focus)) {
      target.classList.add("just-changed");
      if (!document.body.contains(active)) {  // the form that had the focus was replaced: keep the keyboard near
        target.tabIndex = -1;
        target.focus({ preventScroll: true });
      }
    }
  }

  function submitPlainly(form, submitter) {
    form.removeAttribute("data-in-place");
    if (submitter && submitter.name) {
      var carry = document.createElement("input");
      carry.type = "hidden";
      carry.name = submitter.name;
      carry.value = submitter.value;
      form.appendChild(carry);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-in-place")) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    var submitter = event.submitter || null;
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    send(form.action, data).then(function (json) {
      if (!json.ok) {
        say(json.error || "That did not work; nothing was changed.", lastUndo !== null, true);
        return;
      }
      if (form.id === "apply-form") resetSelection();
      if (!json.error) {  // a refusal (a stale page, say) leaves the last action undoable
        lastUndo = json.undo && json.undo.length ? { steps: json.undo, label: json.undo_label || "" } : null;
      }
      swap(json);
      say(json.message, lastUndo !== null, Boolean(json.error));
    }).catch(function (err) {
      if (err && err.notJson) submitPlainly(form, submitter);
      else say("storybank could not be reached: nothing was changed. Try again.", lastUndo !== null, true);
    }).then(function () { busy = false; });
  }

  function undo() {
    if (!lastUndo || busy) return;
    var steps = lastUndo.steps.slice();
    var label = lastUndo.label;
    busy = true;
    function next(previous) {
      var item = steps.shift();
      if (!item) return Promise.resolve(previous);
      var data = new FormData();
      data.append("csrf_token", token());
      Object.keys(item.fields).forEach(function (name) {
        var value = item.fields[name];
        (Array.isArray(value) ? value : [value]).forEach(function (v) { data.append(name, v === null ? "" : v); });
      });
      return send(item.action, data).then(function (json) {
        if (!json.ok) throw new Error(json.error || "Undo failed.");
        return next(json);
      });
    }
    next(null).then(function (json) {
      lastUndo = null;
      if (json) swap(json);
      say("Undone: " + label + ".", false);
    }).catch(function (err) {
      lastUndo = null;
      say((err && err.message) || "Undo failed: reload the page to see where things stand.", false, true);
    }).then(function () { busy = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("apply-form") || !window.fetch) return;
    document.addEventListener("submit", onSubmit);
    var button = document.getElementById("undo-button");
    if (button) button.addEventListener("click", undo);
    document.addEventListener("keydown", function (event) {
      if (event.key !== "z" || !(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
      var el = document.activeElement;
      if (el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type !== "checkbox"))) return;
      if (!lastUndo) return;
      event.preventDefault();
      undo();
    });
  });
})();
