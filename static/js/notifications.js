// The bell's count of unread notifications, asked for once the page has loaded (so that no
// page waits for it, and the pages' own queries stay what they were).
(function () {
  "use strict";
  var bell = document.getElementById("bell");
  var badge = document.getElementById("bell-count");
  if (!bell || !badge || !window.fetch) {
    return;
  }
  fetch(bell.getAttribute("data-count-url"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (data) {
      if (data && data.unread > 0) {
        badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
        badge.hidden = false;
        bell.classList.add("has-unread");
      }
    })
    .catch(function () {});
})();
