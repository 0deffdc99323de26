// Progressive enhancement: mark the table-of-contents entry for the section being read.
(function () {
  "use strict";
  var toc = document.querySelector(".toc");
  if (!toc || !("IntersectionObserver" in window)) return;
  var links = {};
  toc.querySelectorAll('a[href^="#"]').forEach(function (a) { links[a.getAttribute("href").slice(1)] = a; });
  var sections = Object.keys(links).map(function (id) { return document.getElementById(id); }).filter(Boolean);
  var visible = new Set();
  function mark() {
    var current = sections.find(function (s) { return visible.has(s); });
    Object.keys(links).forEach(function (id) { links[id].removeAttribute("aria-current"); });
    if (current) links[current.id].setAttribute("aria-current", "true");
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) visible.add(e.target); else visible.delete(e.target); });
    mark();
  }, { rootMargin: "0px 0px -60% 0px" });
  sections.forEach(function (s) { observer.observe(s); });
})();
