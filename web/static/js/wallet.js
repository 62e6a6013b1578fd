// "Copy code" in my wallet: puts a voucher code on the clipboard and says so. Without
// JavaScript (or a clipboard) the button stays hidden and the code is plain text to select.
(() => {
  "use strict";
  if (!navigator.clipboard) return;
  for (const button of document.querySelectorAll("[data-copy]")) {
    const code = document.getElementById(button.dataset.copy);
    const said = button.parentElement.querySelector(".copied");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(code.textContent.trim());
        said.textContent = button.dataset.copied;
      } catch {
        // The browser said no (permissions): select the code so it can be copied by hand.
        window.getSelection().selectAllChildren(code);
      }
    });
  }
})();
