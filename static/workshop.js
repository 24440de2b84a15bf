// Workshop-version review: selecting words in the story fills the "words to replace" field.
(function () {
  "use strict";
  var text = document.getElementById("deid-text");
  var field = document.getElementById("add-text");
  if (!text || !field) { return; }
  function take() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    var range = sel.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) { return; }
    var words = sel.toString().replace(/\s+/g, " ").trim();
    if (words.length >= 2 && words.length <= 200) {
      field.value = words;
    }
  }
  text.addEventListener("mouseup", take);
  text.addEventListener("keyup", take);
}());
