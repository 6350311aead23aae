// sanctions web UI: keyboard navigation of tables marked data-keynav (j/k to move, Enter to
// open), and confirmation of buttons marked data-confirm. Loaded as a file: the pages'
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function rows(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-href]"));
  }

  function select(table, index) {
    var all = rows(table);
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row) { row.classList.remove("selected"); row.removeAttribute("aria-selected"); });
    var row = all[index];
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    row.focus();
    table.dataset.index = String(index);
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var table = document.querySelector("table[data-keynav]");
    if (!table) return;
    var index = table.dataset.index === undefined ? -1 : parseInt(table.dataset.index, 10);
    if (event.key === "j") { select(table, index + 1); event.preventDefault(); }
    else if (event.key === "k") { select(table, index - 1); event.preventDefault(); }
    else if (event.key === "Enter" && index >= 0) {
      var row = rows(table)[index];
      if (row) { window.location.href = row.dataset.href; event.preventDefault(); }
    }
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("table[data-keynav] tbody tr[data-href]");
    if (row && !event.target.closest("a, button, input, select, textarea")) {
      window.location.href = row.dataset.href;
    }
  });

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.dataset && button.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
