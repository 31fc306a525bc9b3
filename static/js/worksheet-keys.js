/* Worksheet keyboard navigation: j / k (or Alt+ArrowDown / Alt+ArrowUp, which also work while typing
   in a field) move the focus to the next / previous LKE item. Items are <article class="lke-item"
   tabindex="-1">; htmx swaps replace them, so they are looked up on every key press. */
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function move(step) {
    var items = Array.prototype.slice.call(document.querySelectorAll("article.lke-item"));
    if (!items.length) return;
    var current = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("article.lke-item") : null;
    var index = items.indexOf(current);
    var next = index === -1 ? (step > 0 ? 0 : items.length - 1) : index + step;
    if (next < 0 || next >= items.length) return;
    items[next].focus({ preventScroll: true });
    items[next].scrollIntoView({ block: "start", behavior: "smooth" });
  }

  document.addEventListener("keydown", function (event) {
    var step = 0;
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      if (event.key === "ArrowDown") step = 1;
      else if (event.key === "ArrowUp") step = -1;
    } else if (!event.altKey && !event.ctrlKey && !event.metaKey && !typing(event.target)) {
      if (event.key === "j") step = 1;
      else if (event.key === "k") step = -1;
    }
    if (step !== 0) {
      event.preventDefault();
      move(step);
    }
  });
})();
