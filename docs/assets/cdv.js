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
