// Admin: click the picture to set its focal point; the two number fields below hold it, so
// without JavaScript they are typed by hand. Arrow keys on the picture move it by 5%.
(() => {
  const set = (picker, x, y) => {
    const clamp = (v) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
    x = clamp(x); y = clamp(y);
    document.getElementById(picker.dataset.focalX).value = x;
    document.getElementById(picker.dataset.focalY).value = y;
    const marker = picker.querySelector(".focal-marker");
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
    marker.hidden = false;
  };
  document.addEventListener("click", (event) => {
    const picker = event.target.closest(".focal-picker");
    if (!picker) return;
    const box = picker.querySelector("img").getBoundingClientRect();
    set(picker, (event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
  });
  document.addEventListener("keydown", (event) => {
    const picker = event.target.closest(".focal-picker");
    const moves = { ArrowLeft: [-0.05, 0], ArrowRight: [0.05, 0], ArrowUp: [0, -0.05], ArrowDown: [0, 0.05] };
    if (!picker || !moves[event.key]) return;
    event.preventDefault();
    const x = parseFloat(document.getElementById(picker.dataset.focalX).value) || 0.5;
    const y = parseFloat(document.getElementById(picker.dataset.focalY).value) || 0.5;
    set(picker, x + moves[event.key][0], y + moves[event.key][1]);
  });
  const start = () => { for (const picker of document.querySelectorAll(".focal-picker")) {
    picker.tabIndex = 0;
    picker.setAttribute("role", "application");
    picker.setAttribute("aria-label", "Focal point: click the picture, or use the arrow keys");
    const x = parseFloat(document.getElementById(picker.dataset.focalX).value);
    const y = parseFloat(document.getElementById(picker.dataset.focalY).value);
    set(picker, Number.isNaN(x) ? 0.5 : x, Number.isNaN(y) ? 0.5 : y);
  } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
