// Admin, the story's change page: keeps the presence notice live and autosaves the form
// (editorial/admin/presence.py). Without JavaScript the page still says, when it loads, who
// else has the story open; it just does not ping, autosave or update.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("presence");
  const form = document.getElementById("story_form");
  if (!box || !form) return;
  const others = box.querySelector("[data-presence-others]");
  const alert = box.querySelector("[data-presence-alert]");
  const token = form.querySelector("[name=csrfmiddlewaretoken]");
  const seen = form.querySelector("[name=seen_version]");
  const maxBytes = Number(box.dataset.autosaveMaxBytes);
  let said = "";

  const post = (url, body) =>
    fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch" },
    });

  const say = (text) => {
    if (text && text !== said) alert.textContent = said = text;
  };

  // Re-rendered only when who is here changes, so a screen reader is not told every ping
  // that someone was "active 30 seconds ago".
  const show = (state) => {
    const notes = state.others.map((o) => [o.key, o.text]);
    if (state.taken_over) notes.push(["taken-over", state.taken_over]);
    const keys = notes.map((n) => n[0]).join("|");
    const shown = Array.from(others.children, (p) => p.dataset.key).join("|");
    if (keys === shown) return;
    let link = others.querySelector("a.button");
    if (!link) {
      link = document.createElement("a");
      link.className = "button";
      link.href = box.dataset.takeOverUrl;
      link.textContent = "Take over editing";
    }
    others.replaceChildren(
      ...notes.map(([key, text]) => {
        const p = document.createElement("p");
        p.className = "presence-note";
        p.dataset.key = key;
        p.textContent = text;
        return p;
      })
    );
    const offer = state.others.some((o) => !o.taken_over_by_me);
    const last = Array.from(others.querySelectorAll("p:not([data-key=taken-over])")).pop();
    if (link && offer && last) last.append(" ", link);
  };

  const ping = () => {
    const body = new FormData();
    if (seen) body.append("seen_version", seen.value);
    post(box.dataset.pingUrl, body)
      .then((r) => (r.ok ? r.json() : null))
      .then((state) => {
        if (!state) return;
        show(state);
        if (state.story_changed) say(state.story_changed_text);
      })
      .catch(() => {}); // offline for a moment: the next ping tries again
  };

  const seconds = Number(box.dataset.pingSeconds) || 30;
  // Once soon after loading too: the page this one replaced (a save) released on its way out.
  setTimeout(ping, 1500);
  setInterval(() => { if (document.visibilityState === "visible") ping(); }, seconds * 1000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") ping();
  });
  window.addEventListener("pageshow", (event) => { if (event.persisted) ping(); });
  window.addEventListener("pagehide", () => {
    const body = new FormData();
    if (token) body.append("csrfmiddlewaretoken", token.value);
    navigator.sendBeacon(box.dataset.releaseUrl, body);
  });

  // Autosave: 5 s after the last change, at most every 15 s, never while the form submits.
  const autosaveUrl = box.dataset.autosaveUrl;
  if (!autosaveUrl) return; // a read-only view
  const status = box.querySelector("[data-presence-autosave]");
  const note = status ? status.textContent : "";
  let timer = null;
  let last = 0;
  let submitting = false;
  const autosave = () => {
    timer = null;
    if (submitting) return;
    const wait = last + 15000 - Date.now();
    if (wait > 0) { timer = setTimeout(autosave, wait); return; }
    last = Date.now();
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string") body.append(name, value); // files are not autosaved
    }
    if (body.toString().length > maxBytes) {
      say("This form is too large to autosave (over 1 MB): save the story to keep your changes.");
      return;
    }
    post(autosaveUrl, body)
      .then((r) => r.json().then((answer) => [r.ok, answer]))
      .then(([ok, answer]) => {
        if (!ok) { say(answer.error); return; }
        if (status) status.textContent = `Autosaved at ${answer.autosaved_at}. ${note}`;
      })
      .catch(() => {});
  };
  const changed = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(autosave, 5000);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { submitting = true; if (timer) clearTimeout(timer); });
});
