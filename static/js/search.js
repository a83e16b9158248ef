// The full-screen search's keyboard: ↓ from the field goes to the first result, ↓ and ↑ move through
// the results (one link per row), Enter opens the link (the browser's own), Escape goes back to the
// field. The results are swapped in by htmx as the customer types; without JavaScript the form is a GET.
(function () {
  "use strict";
  function results() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-search-result]"));
  }
  document.addEventListener("keydown", function (event) {
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
