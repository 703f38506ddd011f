// "Show more" under a long list (templates/components/paging.html). htmx adds the next rows to
// the end of the list; this moves focus to the first new row, so keyboard, switch and
// screen-reader users carry on reading where the new rows start, and says how many came in the
// page's polite live region. Without JavaScript the control is a plain link to the next page.
(function () {
  "use strict";
  var pending = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var control = event.detail && event.detail.elt;
    if (!control || !control.hasAttribute || !control.hasAttribute("data-paging-list")) { return; }
    var list = document.getElementById(control.getAttribute("data-paging-list"));
    pending = list ? {
      list: list,
      count: list.children.length,
      one: control.getAttribute("data-paging-one") || "more",
      many: control.getAttribute("data-paging-many") || "more"
    } : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!pending || event.detail.target !== pending.list) { return; }
    var list = pending.list;
    var added = list.children.length - pending.count;
    var first = list.children[pending.count];
    var region = document.getElementById("live");
    if (region) { region.textContent = added + " " + (added === 1 ? pending.one : pending.many); }
    pending = null;
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  });

  document.addEventListener("htmx:responseError", function () { pending = null; });
})();
