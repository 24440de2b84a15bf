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


  // Colour swatches and coded text: colours come from data attributes (no inline styles under the CSP).
  function setupColours() {
    document.querySelectorAll("[data-colour]").forEach(function (el) {
      el.style.backgroundColor = el.dataset.colour;
    });
    var colours = {};
    document.querySelectorAll(".code-picker input[name=code_id]").forEach(function (box) {
      var swatch = box.parentNode.querySelector("[data-colour]");
      if (swatch) colours[box.value] = swatch.dataset.colour;
    });
    document.querySelectorAll("#coding-text [data-codes]").forEach(function (el) {
      var first = el.dataset.codes.split(" ")[0];
      if (colours[first]) el.style.borderBottomColor = colours[first];
      el.title = el.dataset.codes.split(" ").length + " code(s)";
    });
  }

  // Offsets are Unicode code points into the story text, end exclusive: Array.from counts
  // code points, so emoji (UTF-16 surrogate pairs) and combining marks never shift a mark.
  function codePoints(text) { return Array.from(text).length; }

  function offsetIn(container, node, offset) {
    var el = node.nodeType === 3 ? node.parentNode : node;
    if (node.nodeType !== 3) {
      // A selection edge between elements: count the text before the child at `offset`.
      var before = 0;
      for (var i = 0; i < offset && i < node.childNodes.length; i++) before += codePoints(node.childNodes[i].textContent);
      var base = node === container ? 0 : parseInt(node.dataset.start || "0", 10);
      return base + before;
    }
    while (el && el !== container && !el.dataset.start) el = el.parentNode;
    if (!el || el === container) return null;
    return parseInt(el.dataset.start, 10) + codePoints(node.textContent.slice(0, offset));
  }

  // Selecting with the keyboard in text that is not editable: with the story text focused, the
  // arrow keys move a caret by word (left/right) or line (up/down), Home/End to the line's ends,
  // and Shift extends the selection, as in a text field.
  var KEY_MOVES = {
    ArrowRight: ["forward", "word"], ArrowLeft: ["backward", "word"],
    ArrowDown: ["forward", "line"], ArrowUp: ["backward", "line"],
    Home: ["backward", "lineboundary"], End: ["forward", "lineboundary"]
  };

  function selectByKeyboard(text, event) {
    var move = KEY_MOVES[event.key];
    if (!move || event.altKey || event.ctrlKey || event.metaKey) return;
    var sel = window.getSelection();
    if (!sel || typeof sel.modify !== "function") return;
    event.preventDefault();
    if (sel.rangeCount === 0 || !text.contains(sel.anchorNode)) {
      var first = document.createTreeWalker(text, NodeFilter.SHOW_TEXT).nextNode();
      if (!first) return;
      sel.collapse(first, 0);
      if (move[0] === "forward" && !event.shiftKey) return;  // the first press puts the caret at the start
    }
    sel.modify(event.shiftKey ? "extend" : "move", move[0], move[1]);
  }

  function setupCoding() {
    var text = document.getElementById("coding-text");
    var form = document.getElementById("apply-form");
    if (!text || !form) return;
    var start = document.getElementById("sel-start");
    var end = document.getElementById("sel-end");
    var status = document.getElementById("selection-status");
    function update() {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
      var range = sel.getRangeAt(0);
      if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
      var a = offsetIn(text, range.startContainer, range.startOffset);
      var b = offsetIn(text, range.endContainer, range.endOffset);
      if (a === null || b === null || a === b) return;
      if (a > b) { var t = a; a = b; b = t; }
      start.value = a;
      end.value = b;
      var chosen = sel.toString();
      status.textContent = "Selected " + codePoints(chosen) + " characters: “" +
        (chosen.length > 80 ? chosen.slice(0, 80) + "…" : chosen) + "”";
    }
    document.addEventListener("selectionchange", update);
    text.addEventListener("mouseup", update);
    text.addEventListener("keyup", update);
    setupCodeFilter(document.getElementById("code-filter-status"));
  }

  // "Find a code": typing hides the codes that do not match (the labels carry their names, lower case);
  // Enter ticks the first code still shown, scrolls the list to it and says which one it ticked.
  function setupCodeFilter(status) {
    var filter = document.getElementById("code-filter");
    var picker = document.getElementById("code-picker");
    if (!filter || !picker) return;
    var none = document.createElement("p");
    none.className = "muted no-match";
    none.id = "code-filter-none";
    none.hidden = true;
    picker.appendChild(none);
    function shown() { return picker.querySelectorAll("label:not([hidden])"); }
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      picker.querySelectorAll("label").forEach(function (label) {
        label.hidden = Boolean(q) && label.dataset.name.indexOf(q) === -1;
        label.classList.remove("ticked-by-key");
      });
      var count = shown().length;
      none.hidden = count > 0;
      none.textContent = "No code is called “" + filter.value.trim() + "”.";
      picker.scrollTop = 0;
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();  // Enter ticks the first code still shown
      var first = shown()[0];
      if (!first) return;
      var box = first.querySelector("input");
      box.checked = !box.checked;
      first.classList.toggle("ticked-by-key", box.checked);
      first.scrollIntoView({ block: "nearest" });
      if (status) status.textContent = (box.checked ? "Ticked " : "Unticked ") + first.textContent.trim() + ".";
    });
  }

  // Any text marked data-keyboard-select (the coding page, the excerpt picker) selects with the keys.
  function setupKeyboardSelection() {
    document.querySelectorAll("[data-keyboard-select]").forEach(function (el) {
      el.addEventListener("keydown", function (event) { selectByKeyboard(el, event); });
    });
  }

  window.storybankColours = setupColours;  // the coding page colours parts it swaps in

  document.addEventListener("DOMContentLoaded", function () {
    setupKeyboardSelection();
    setupColours();
    setupCoding();
    setupPreview();
    setupKindToggle();
    setupCopyLink();
  });
})();
