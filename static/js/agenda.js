// The agenda's order lines open their details in a dialog; without this file they open the order's page.
(function () {
  "use strict";
  var opener = null;

  function focusables(dialog) {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"),
      function (element) { return !element.disabled && element.offsetParent !== null; }
    );
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-dialog]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var dialog = document.getElementById(link.getAttribute("data-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    event.preventDefault();
    opener = link;
    dialog.showModal();
    var first = focusables(dialog)[0];
    if (first) { first.focus(); }
  });

  // Focus stays inside the open dialog: Tab from the last control goes back to the first.
  document.addEventListener("keydown", function (event) {
    var dialog = document.querySelector("dialog.agenda-dialog[open]");
    if (!dialog || event.key !== "Tab") { return; }
    var items = focusables(dialog);
    if (!items.length) { return; }
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  });

  // Escape (native) or "Close" ends the dialog; focus returns to the line that opened it.
  document.addEventListener("close", function (event) {
    if (event.target.matches && event.target.matches("dialog.agenda-dialog") && opener) {
      opener.focus();
      opener = null;
    }
  }, true);
})();
