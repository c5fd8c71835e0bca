// Once a newer version is published (mike's versions.json), an older version's pages say by which one
// it was replaced; the static label written at build time says "en vigueur" or "projet".
(function () {
  var label = document.querySelector(".cdv-version-label");
  if (!label || !label.hasAttribute("data-versioned")) return;  // only a site published with mike has versions.json
  var current = label.getAttribute("data-version");
  // __md_scope is Material's URL of this version's root; mike keeps versions.json one level up.
  fetch(new URL("../versions.json", __md_scope))
    .then(function (response) { return response.ok ? response.json() : []; })
    .then(function (versions) {
      var inForce = versions.filter(function (v) { return (v.aliases || []).indexOf("en-vigueur") >= 0; })[0];
      if (inForce && inForce.version !== current && Number(inForce.version) > Number(current)) {
        label.querySelector(".cdv-version-status").textContent = "remplacée par " + inForce.version;
      }
    })
    .catch(function () {});
})();

// Material's search dialog has no accessible name; screen readers announce it as "Recherche".
document.querySelectorAll(".md-search[role=dialog]").forEach(function (dialog) {
  if (!dialog.getAttribute("aria-label")) dialog.setAttribute("aria-label", "Recherche");
});

// Material wraps each table in a scrolling box once the page is shown; on a phone a wide table scrolls
// sideways there, and a keyboard user can only scroll a box that takes the focus. Each box is made a
// named region of the page, reachable with Tab, named after the heading it stands under.
function cdvNameTableScrollers() {
  document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (box) {
    var heading = null;
    for (var node = box.previousElementSibling; node && !heading; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) heading = node;
    }
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    var name = heading ? heading.textContent.replace(/¶$/, "").trim() : "";
    box.setAttribute("aria-label", name ? "Tableau : " + name : "Tableau");
  });
}
if (typeof document$ !== "undefined") document$.subscribe(cdvNameTableScrollers);
else document.addEventListener("DOMContentLoaded", cdvNameTableScrollers);
