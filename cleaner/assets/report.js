// cleaner report: filter the sample by reason and by a search string. No fetches, no globals.
(function () {
  "use strict";
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var texts = docs.map(function (d) { return d.textContent.toLowerCase(); });
  var reason = document.getElementById("reason");
  var query = document.getElementById("q");
  var only = document.getElementById("only");
  var shown = document.getElementById("shown");

  function apply() {
    var r = reason ? reason.value : "";
    var q = query ? query.value.trim().toLowerCase() : "";
    var n = 0;
    docs.forEach(function (d, i) {
      var reasons = (d.getAttribute("data-reasons") || "").split(" ");
      var ok = (!r || reasons.indexOf(r) >= 0) && (!q || texts[i].indexOf(q) >= 0);
      d.classList.toggle("hidden", !ok);
      if (ok) { n += 1; }
      d.querySelectorAll("p.r").forEach(function (p) {
        p.classList.toggle("dim", !!r && p.getAttribute("data-reason") !== r);
      });
    });
    if (shown) { shown.textContent = n + " of " + docs.length + " documents shown"; }
    document.querySelectorAll("h3.group").forEach(function (h) {
      var el = h.nextElementSibling, any = false;
      while (el && el.tagName === "ARTICLE") { any = any || !el.classList.contains("hidden"); el = el.nextElementSibling; }
      h.classList.toggle("hidden", !any);
    });
  }

  // ?reason=promo&q=word in the address presets the filters (a link to a view of the sample).
  var params = new URLSearchParams(window.location.search);
  if (reason && params.get("reason")) { reason.value = params.get("reason"); }
  if (query && params.get("q")) { query.value = params.get("q"); }
  if (reason) { reason.addEventListener("change", apply); }
  if (query) { query.addEventListener("input", apply); }
  if (only) {
    only.addEventListener("change", function () { document.body.classList.toggle("only-removed", only.checked); });
  }
  apply();
  document.body.setAttribute("data-ready", String(docs.length));
})();
