"use strict";
// The story editor's heartbeat (masthead.newsroom.locks): renews this editor's hold on the
// story every few seconds while the page is open, and says so at once when someone else has
// taken it over (their save is the one that counts from then on). Also the "Copy link"
// buttons of the preview field. No inline script: the page works under a strict CSP.
{
  const script = document.getElementById("newsroom-edit-lock");
  const url = script && script.dataset.renewUrl;
  const seconds = Number(script && script.dataset.renewSeconds);

  const csrfToken = () => {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  };

  const showLost = (lock) => {
    const banner = document.getElementById("newsroom-lock-lost");
    if (!banner) return;
    banner.querySelector("[data-lock-message]").textContent =
      `${lock.holder} took this story over at ${lock.since}.`;
    banner.hidden = false;
    banner.scrollIntoView({ block: "nearest" });
  };

  if (url && seconds > 0) {
    const timer = window.setInterval(async () => {
      let lock;
      try {
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() },
        });
        if (!response.ok) return; // signed out or offline: the next beat tries again
        lock = await response.json();
      } catch {
        return;
      }
      if (!lock.mine) {
        window.clearInterval(timer);
        showLost(lock);
      }
    }, seconds * 1000);

    // Leaving the page (another page, a closed tab) frees the story at once. Not a save: the
    // server frees it after a save that leaves, and a save that keeps editing holds it still
    // (a beacon then would arrive after the reopened form took the lock again).
    let saving = false;
    document.addEventListener("submit", () => {
      saving = true;
    });
    window.addEventListener("pageshow", () => {
      saving = false;
    });
    window.addEventListener("pagehide", () => {
      if (saving) return;
      const body = new FormData();
      body.append("release", "1");
      body.append("csrfmiddlewaretoken", csrfToken());
      navigator.sendBeacon(url, body);
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    navigator.clipboard.writeText(button.dataset.copy).then(() => {
      button.textContent = "Copied";
    });
  });
}
