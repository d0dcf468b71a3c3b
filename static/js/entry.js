/* The entry form (填报): Enter moves to the next row's input of the same column instead of
   submitting; a warning before leaving with unsaved changes; the files chosen or dropped on a
   row are listed with their names and sizes. The plausibility check is asked of the server
   (htmx), so that its rule lives in one place. */
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) { return; }
  var dirty = false;

  function inputs(col) {
    return Array.prototype.slice.call(form.querySelectorAll(".entry-input[data-col='" + col + "']"));
  }

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !target.classList || !target.classList.contains("entry-input")) { return; }
    event.preventDefault();
    var list = inputs(target.getAttribute("data-col"));
    var next = list[list.indexOf(target) + (event.shiftKey ? -1 : 1)];
    if (next) {
      next.focus();
      if (next.select) { next.select(); }
    }
  });

  function markDirty() { dirty = true; }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = "";
  });

  function size(bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1048576) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  Array.prototype.forEach.call(form.querySelectorAll("input.files"), function (input) {
    var zone = input.closest(".dropzone");
    var list = zone && zone.nextElementSibling;
    input.addEventListener("change", function () {
      if (!list) { return; }
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " · " + size(file.size);
        list.appendChild(item);
      });
    });
    if (!zone) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
  });
}());
