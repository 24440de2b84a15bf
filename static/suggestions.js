// Suggestions on the coding page: one key accepts (a) or rejects (r) the focused suggestion,
// the arrow keys (or j/k) move between them, and the focused one is highlighted in the story text.
// Loaded by the coding page only; no inline script or style (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  var HIGHLIGHT = "storybank-suggestion";

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("#suggestion-list .suggestion"));
  }

  // A code-point offset into the story text as a DOM position: the text is cut into spans that carry
  // their own code-point start and end, and Array.from counts code points, not UTF-16 units.
  function position(container, offset) {
    var spans = container.querySelectorAll("span[data-start]");
    for (var i = 0; i < spans.length; i++) {
      var start = parseInt(spans[i].dataset.start, 10);
      var end = parseInt(spans[i].dataset.end, 10);
      if (offset >= start && offset <= end) {
        var node = spans[i].firstChild;
        if (!node) continue;
        var units = Array.from(node.textContent).slice(0, offset - start).join("").length;
        return { node: node, offset: units, span: spans[i] };
      }
    }
    return null;
  }

  function highlight(item) {
    var text = document.getElementById("coding-text");
    if (!text || !item) return;
    var from = position(text, parseInt(item.dataset.start, 10));
    var to = position(text, parseInt(item.dataset.end, 10));
    if (!from || !to) return;
    if (window.CSS && CSS.highlights && typeof Highlight === "function") {
      var range = document.createRange();
      range.setStart(from.node, from.offset);
      range.setEnd(to.node, to.offset);
      CSS.highlights.set(HIGHLIGHT, new Highlight(range));
    }
    var box = text.getBoundingClientRect();
    var where = from.span.getBoundingClientRect();
    if (where.top < Math.max(box.top, 0) || where.bottom > window.innerHeight) {
      from.span.scrollIntoView({ block: "nearest" });
    }
  }

  function clearHighlight() {
    if (window.CSS && CSS.highlights) CSS.highlights.delete(HIGHLIGHT);
  }

  function move(from, step) {
    var list = items();
    var at = list.indexOf(from);
    var next = list[Math.min(list.length - 1, Math.max(0, at + step))];
    if (next) next.focus();
  }

  function decide(item, key) {
    var button = item.querySelector('button[data-suggestion-key="' + key + '"]');
    if (!button || item.dataset.sent) return;
    item.dataset.sent = "1"; // one key press, one decision
    var form = button.form;
    if (form.requestSubmit) form.requestSubmit(button);
    else button.click();
  }

  function onKey(event) {
    var item = event.currentTarget;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key;
    if (key === "a" || key === "A" || key === "r" || key === "R") {
      event.preventDefault();
      decide(item, key.toLowerCase());
    } else if (key === "ArrowDown" || key === "j") {
      event.preventDefault();
      move(item, 1);
    } else if (key === "ArrowUp" || key === "k") {
      event.preventDefault();
      move(item, -1);
    }
  }

  // After a decision the page comes back at #suggestion-N: the suggestion that took the decided one's
  // place (the next), or the last one when it was the last, gets the focus.
  function restoreFocus() {
    var match = /^#suggestion-(\d+)$/.exec(window.location.hash);
    if (match) focusAt(parseInt(match[1], 10));
  }

  function focusAt(index, quiet) {
    var list = items();
    var target = list[Math.min(index, list.length - 1)];
    if (target) {
      target.focus({ preventScroll: Boolean(quiet) });
    } else {
      var heading = document.getElementById("suggestions-heading");
      if (heading) {
        heading.tabIndex = -1;
        heading.focus({ preventScroll: Boolean(quiet) });
      }
    }
  }

  function bind() {
    items().forEach(function (item) {
      if (item.dataset.bound) return;
      item.dataset.bound = "1";
      item.addEventListener("keydown", onKey);
      item.addEventListener("focusin", function () { highlight(item); });
      item.addEventListener("mouseenter", function () { highlight(item); });
      item.addEventListener("focusout", clearHighlight);
    });
  }

  // Decided in place (static/coding.js): the list was swapped; the suggestion now at the decided one's
  // place gets the focus, as after a reload.
  function afterSwap(event) {
    clearHighlight();
    bind();
    var match = /^suggestion-(\d+)$/.exec((event.detail && event.detail.focus) || "");
    if (match) focusAt(parseInt(match[1], 10), true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    bind();
    restoreFocus();
    document.addEventListener("storybank:panels", afterSwap);
  });
})();
