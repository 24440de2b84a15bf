// Workshop-version review: selecting words in the story fills the "words to replace" field; decisions,
// marking what was missed, "accept all" and "run detection again" happen in place (the same form is sent
// with fetch, with its CSRF token; the page that answers replaces this one's content, and the reader's
// place and the keyboard focus are kept). Without JavaScript the forms post and reload as before.
(function () {
  "use strict";
  var IN_PLACE = 'form.decide, #add-form, form[action$="/workshop/accept-all"], form[action$="/workshop/detect"]';
  var busy = false;

  function setupSelection() {
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
  }

  // The descriptor field only matters when "a descriptor I write…" is chosen: show it then (compact rows).
  function setupDescriptors() {
    document.querySelectorAll("form.decide, #add-form").forEach(function (form) {
      var choice = form.querySelector('select[name="replacement"]');
      var descriptor = form.querySelector('input[name="descriptor"]');
      if (!choice || !descriptor) { return; }
      var update = function () { descriptor.hidden = choice.value !== "descriptor" && !descriptor.value; };
      choice.addEventListener("change", function () {
        update();
        if (!descriptor.hidden) { descriptor.focus(); }
      });
      update();
    });
  }

  function anchorOf(form) {
    var row = form.closest("tr[id]");
    return row ? row.id : (form.id || null);
  }

  function swap(html, anchorId, decided) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("main");
    var main = document.getElementById("main");
    if (!fresh || !main) { return false; }
    var anchor = anchorId && document.getElementById(anchorId);
    var before = anchor ? anchor.getBoundingClientRect().top : null;
    main.innerHTML = fresh.innerHTML;  // the server's own page, rendered and escaped by its templates
    document.title = doc.title;
    setupSelection();
    setupDescriptors();
    var again = anchorId && document.getElementById(anchorId);
    if (again && before !== null) { window.scrollBy(0, again.getBoundingClientRect().top - before); }
    if (decided && again) {  // on to the next identifier still to decide, as a keyboard user expects
      var next = again.nextElementSibling;
      while (next && !next.classList.contains("decision-proposed")) { next = next.nextElementSibling; }
      var target = (next || again).querySelector('button[value="accept"]');
      if (target) { target.focus({preventScroll: true}); }
    }
    return true;
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(IN_PLACE) || !window.fetch) { return; }
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    var data = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var anchorId = anchorOf(form);
    var decided = form.classList.contains("decide");
    fetch(form.action, {method: "POST", body: data, credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (!swap(html, anchorId, decided)) { throw new Error("no page"); }
      })
      .catch(function () {
        form.removeEventListener("submit", onSubmit);
        HTMLFormElement.prototype.submit.call(form);  // let the browser do it the plain way
      })
      .then(function () { busy = false; });
  }

  setupSelection();
  setupDescriptors();
  document.addEventListener("submit", onSubmit);
}());
