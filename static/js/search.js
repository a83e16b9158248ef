// The full-screen search. Without this file the header's "Search" is a link to the search page.
// - The header's link opens the search as an overlay (a modal <dialog>, its content asked of the same
//   URL by htmx): Escape or "Close" closes it, and the focus goes back where it was.
// - The keyboard in the results: ↓ from the field goes to the first result, ↓ and ↑ move through the
//   results (one link per row), Enter opens the link (the browser's own), Tab reaches the row's
//   actions; on the page, Escape from a result goes back to the field.
(function () {
  "use strict";
  var opener = null;

  function dialog() { return document.getElementById("search-dialog"); }

  function results() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-search-result]"));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-search-open]");
    if (link) {
      var box = dialog();
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      if (!box || typeof box.showModal !== "function" || !window.htmx) return;
      event.preventDefault();
      var field = document.getElementById("search-q");
      if (field && !box.contains(field)) { field.focus(); return; }  // already on the search page
      opener = document.activeElement;
      box.showModal();
      window.htmx.ajax("GET", link.href, { target: "#search-dialog-body", swap: "innerHTML" }).then(function () {
        var input = document.getElementById("search-q");
        if (input) input.focus();
      });
      return;
    }
    if (event.target.closest && event.target.closest("[data-search-close]")) {
      var open = dialog();
      if (open && open.open) open.close();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var box = dialog();
    if (!box) return;
    box.addEventListener("close", function () {
      document.getElementById("search-dialog-body").innerHTML = "";
      if (opener && document.contains(opener)) opener.focus();
      opener = null;
    });
  });

  document.addEventListener("keydown", function (event) {
    var box = dialog();
    if (event.key === "Escape" && box && box.open) {
      // a search field would take the first Escape to empty itself: the overlay closes at once
      event.preventDefault();
      box.close();
      return;
    }
    var field = document.getElementById("search-q");
    if (!field) return;
    var links = results();
    var index = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && (document.activeElement === field || index >= 0)) {
      if (!links.length) return;
      event.preventDefault();
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      if (index === 0) field.focus(); else links[index - 1].focus();
    } else if (event.key === "Escape" && index >= 0) {
      event.preventDefault();
      field.focus();
    }
  });
})();
