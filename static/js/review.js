/* The review queue: "choose all" ticks every row's box for the bulk actions. Everything else
   (decisions, previews, comments) is plain forms that htmx sends and swaps in place. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    if (event.target.id !== "select-all") { return; }
    document.querySelectorAll("input.choose").forEach(function (box) { box.checked = event.target.checked; });
  });
})();
