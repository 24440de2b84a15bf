// Story sets: reorder by drag and drop or keys, choose excerpts, print cards, page through a presentation.
(function () {
  "use strict";

  // --- reorder: drag and drop, and Alt+ArrowUp/Down on a focused item; the server rewrites every position ---
  var list = document.getElementById("set-items");
  if (list) {
    var status = document.getElementById("order-status");
    var dragged = null;
    var items = function () { return Array.prototype.slice.call(list.querySelectorAll("li[data-item-id]")); };
    var say = function (text) { if (status) { status.textContent = text; } };
    var save = function (moved) {
      var order = items().map(function (li) { return li.getAttribute("data-item-id"); });
      fetch(list.getAttribute("data-order-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": list.getAttribute("data-csrf")},
        body: JSON.stringify({order: order})
      }).then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        list.setAttribute("data-saved", order.join(","));
        if (moved) { say((moved.getAttribute("aria-label") || "Item") + " is now number " + (items().indexOf(moved) + 1) + "."); }
        refreshButtons();
      }).catch(function () {
        say("The new order could not be saved. Reload the page and try again.");
        window.alert("The new order could not be saved. Reload the page and try again.");
      });
    };
    var refreshButtons = function () {
      var all = items();
      all.forEach(function (li, i) {
        var up = li.querySelector("button[value=up]");
        var down = li.querySelector("button[value=down]");
        if (up) { up.disabled = i === 0; }
        if (down) { down.disabled = i === all.length - 1; }
      });
    };
    list.addEventListener("dragstart", function (event) {
      var li = event.target.closest("li[data-item-id]");
      if (!li) { return; }
      dragged = li;
      li.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", li.getAttribute("data-item-id"));
    });
    var placeAt = function (event) {
      var over = event.target.closest && event.target.closest("li[data-item-id]");
      if (!over || over === dragged) { return; }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    };
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();  // the whole list is a drop zone
      event.dataTransfer.dropEffect = "move";
      placeAt(event);
    });
    list.addEventListener("drop", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      placeAt(event);
    });
    list.addEventListener("dragend", function () {
      if (!dragged) { return; }
      var moved = dragged;
      dragged.classList.remove("dragging");
      dragged = null;
      var order = items().map(function (li) { return li.getAttribute("data-item-id"); }).join(",");
      if (order !== list.getAttribute("data-saved")) { save(moved); }
    });
    list.addEventListener("keydown", function (event) {
      var li = event.target;
      if (!li.matches || !li.matches("li[data-item-id]") || !event.altKey) { return; }
      if (event.key === "ArrowUp" && li.previousElementSibling) {
        list.insertBefore(li, li.previousElementSibling);
      } else if (event.key === "ArrowDown" && li.nextElementSibling) {
        list.insertBefore(li.nextElementSibling, li);
      } else { return; }
      event.preventDefault();
      li.focus();
      save(li);
    });
    list.setAttribute("data-saved", items().map(function (li) { return li.getAttribute("data-item-id"); }).join(","));
  }

  // --- excerpt: selecting words in the workshop version fills the form (offsets in code points) ---
  var source = document.getElementById("excerpt-source");
  var quote = document.getElementById("excerpt-quote");
  var start = document.getElementById("excerpt-start");
  if (source && quote && start) {
    var codePoints = function (text) { return Array.from(text).length; };
    var take = function () {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
      var range = sel.getRangeAt(0);
      if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) { return; }
      var before = document.createRange();
      before.selectNodeContents(source);
      before.setEnd(range.startContainer, range.startOffset);
      var words = range.toString();
      if (!words.trim()) { return; }
      quote.value = words;
      start.value = String(codePoints(before.toString()));
    };
    source.addEventListener("mouseup", take);
    source.addEventListener("keyup", take);
    quote.addEventListener("input", function () { start.value = ""; });
  }

  // --- card sheet: the print button ---
  var printButton = document.getElementById("print-cards");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }

  // --- presentation: next/previous keys follow the links. Space and Page Down (what presenter clickers send)
  // first scroll a long card a screen at a time, and move on only at its end; Page Up likewise back. ---
  if (document.body.classList.contains("presentation")) {
    var nav = document.querySelector(".slide-nav");
    var screenful = function () {
      return Math.max(80, window.innerHeight - (nav ? nav.offsetHeight : 0) - 48);  // a little overlap
    };
    var moreBelow = function () {
      var bottom = window.scrollY + window.innerHeight - (nav ? nav.offsetHeight : 0);
      return document.documentElement.scrollHeight - (nav ? nav.offsetHeight : 0) - bottom > 2;
    };
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      var key = event.key;
      var id = null;
      var forward = key === "PageDown" || (key === " " && !event.shiftKey);
      var backward = key === "PageUp" || (key === " " && event.shiftKey);
      if (forward && moreBelow()) {
        event.preventDefault();
        window.scrollBy({top: screenful(), behavior: "instant"});
        return;
      }
      if (backward && window.scrollY > 2) {
        event.preventDefault();
        window.scrollBy({top: -screenful(), behavior: "instant"});
        return;
      }
      if (key === "ArrowRight" || forward || key === "n") { id = "slide-next"; }
      if (key === "ArrowLeft" || backward || key === "p") { id = "slide-prev"; }
      if (key === "Escape") { id = "slide-exit"; }
      var link = id && document.getElementById(id);
      if (link) { event.preventDefault(); window.location.href = link.href; }
    });
    document.body.setAttribute("data-keys", "ready");
  }
}());
