// "Share" on a phone: the phone's own share sheet (WhatsApp, mail …) with the badge's link.
// Shown only where the browser has one; the link above can always be copied by hand.
(() => {
  "use strict";
  for (const button of document.querySelectorAll("[data-share-url]")) {
    if (!navigator.share) continue;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl }).catch(() => {});
    });
  }
  // Tapping the link field selects it all, ready to copy.
  for (const field of document.querySelectorAll("input[readonly][type=url]")) {
    field.addEventListener("focus", () => field.select());
  }
})();
