// A site published with mike (versions.json at its root, one folder per version) says where its other
// versions are: once a newer version is in force, an older version's pages say by which one it was
// replaced and Material's banner links to the same page there; while a draft is under review, the version
// in force says so and links to the same page in the draft. The static label written at build time says
// "en vigueur" or "projet".
(function () {
  var label = document.querySelector(".cdv-version-label");
  if (!label || !label.hasAttribute("data-versioned")) return;
  var current = label.getAttribute("data-version");
  // __md_scope is Material's URL of this version's root; mike's root, with versions.json, is one level up.
  var root = new URL("../", __md_scope);
  var withAlias = function (versions, alias) {
    return versions.filter(function (v) { return (v.aliases || []).indexOf(alias) >= 0; })[0];
  };
  fetch(new URL("versions.json", root))
    .then(function (response) { return response.ok ? response.json() : []; })
    .then(function (versions) {
      var inForce = withAlias(versions, label.getAttribute("data-in-force"));
      var draft = withAlias(versions, label.getAttribute("data-draft"));
      if (inForce && inForce.version !== current && Number(inForce.version) > Number(current)) {
        label.querySelector(".cdv-version-status").textContent = "remplacée par " + inForce.version;
        samePageIn(root, inForce.version).then(function (url) {
          document.querySelectorAll(".cdv-in-force-link").forEach(function (link) { link.href = url.href; });
        });
      }
      if (draft && inForce && inForce.version === current && Number(draft.version) > Number(current)) {
        samePageIn(root, draft.version).then(function (url) { showDraftNotice(draft.version, url); });
      }
    })
    .catch(function () {});

  // This page in another version, when that version has it (its sitemap lists it), else that version's
  // home page. The sitemap names pages at the public address: only paths below its home page are compared.
  function samePageIn(root, version) {
    var home = new URL(version + "/", root);
    var scope = __md_scope.pathname;
    var here = location.pathname.indexOf(scope) === 0 ? location.pathname.slice(scope.length) : "";
    if (!here) return Promise.resolve(home);
    return fetch(new URL("sitemap.xml", home))
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (xml) {
        var doc = new DOMParser().parseFromString(xml, "application/xml");
        var locs = Array.prototype.map.call(doc.getElementsByTagName("loc"), function (loc) {
          return loc.textContent.trim();
        });
        // The home page is the shortest address, and every other one starts with it.
        var top = locs.length ? locs.reduce(function (a, b) { return a.length <= b.length ? a : b; }) : "";
        var listed = top && locs.every(function (loc) { return loc.indexOf(top) === 0; }) &&
          locs.indexOf(top + here) >= 0;
        return listed ? new URL(here, home) : home;
      })
      .catch(function () { return home; });
  }

  function showDraftNotice(version, url) {
    var notice = document.querySelector(".cdv-draft-notice");
    var text = document.getElementById("cdv-draft-notice");
    if (!notice || !text) return;
    var content = text.content.cloneNode(true);
    content.querySelector(".cdv-draft-version").textContent = version;
    content.querySelector(".cdv-draft-link").href = url.href;
    notice.appendChild(content);
  }
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

// Search: no result. When Material's search finds nothing, a hint in French under its "Aucun document
// trouvé" (check the spelling, a shorter word, the plan du site or the glossary: the template
// #cdv-search-none, overrides/partials/cdv-search-none.html), in a status region so that a screen reader
// says it. Material says "nothing" by writing its translation into the result's first line; that line is
// watched, and the hint is written only when the answer changes to nothing, so it is said once.
(function () {
  var result = document.querySelector("[data-md-component=search-result]");
  var meta = result && result.querySelector(".md-search-result__meta");
  var template = document.getElementById("cdv-search-none");
  var config = document.getElementById("__config");
  if (!meta || !template || !config || !window.MutationObserver) return;
  var none = (JSON.parse(config.textContent).translations || {})["search.result.none"];
  if (!none) return;
  var hint = document.createElement("div");
  hint.className = "cdv-search-none";
  hint.setAttribute("role", "status");
  // Between the line and the list: Material finds them as the result's first and last children.
  meta.parentNode.insertBefore(hint, meta.nextSibling);
  var shown = false;
  new MutationObserver(function () {
    var nothing = meta.textContent.trim() === none;
    if (nothing === shown) return;
    shown = nothing;
    hint.textContent = "";
    if (nothing) hint.appendChild(template.content.cloneNode(true));
  }).observe(meta, { childList: true, characterData: true, subtree: true });
})();
