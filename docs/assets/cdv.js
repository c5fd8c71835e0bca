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

// Keyboard on phones and tablets (WCAG 2.4.3, 2.4.7, 2.1.1). Below 76.25em Material's navigation is a
// drawer slid off-screen, its search (below 60em) a closed overlay, and the page's headings a panel of the
// drawer slid off to the side: all of them stayed in the Tab order while out of sight, and the buttons
// that open the drawer and the search are labels the keyboard could not reach. What is out of sight is
// made inert; the two buttons take the focus (Enter is handled by Material, Space here); the open
// drawer takes the focus, and Escape, or the focus leaving it, closes it.
(function () {
  var drawer = document.getElementById("__drawer");
  var search = document.getElementById("__search");
  var sidebar = document.querySelector(".md-sidebar--primary");
  var root = sidebar && sidebar.querySelector(".md-nav--primary");
  var menu = document.querySelector('.md-header__button[for="__drawer"]');
  var searchButton = document.querySelector('.md-header__button[for="__search"]');
  var searchBox = document.querySelector(".md-search__inner");
  var results = document.querySelector(".md-search__scrollwrap");
  var query = document.querySelector(".md-search__input");
  // Material's own breakpoints: the drawer below 76.25em, the search overlay below 60em.
  var narrow = window.matchMedia("(max-width: 76.234375em)");
  var phone = window.matchMedia("(max-width: 59.984375em)");
  var made = [];  // what this section made inert, undone before each update

  function asButton(label, name) {
    if (!label) return;
    label.setAttribute("tabindex", "0");
    label.setAttribute("role", "button");
    if (name) label.setAttribute("aria-label", name);
    label.addEventListener("keydown", function (event) {
      if (event.key !== " ") return;
      event.preventDefault();
      label.click();
    });
  }

  function setInert(element) {
    element.inert = true;
    made.push(element);
  }

  function focusable(within) {
    return within.querySelector("a[href], [tabindex='0'], input:not([type=checkbox]), button");
  }

  // A nested panel of the drawer shows when its toggle (the checkbox before it in its item) is checked.
  function toggleOf(nav) {
    var item = nav.parentElement;
    var toggle = item && item.querySelector(":scope > input.md-nav__toggle");
    return toggle;
  }

  // The panel in sight: the deepest open one. It covers its parents, whose other entries are made inert
  // (an ancestor cannot be: inert is inherited).
  function openPanel() {
    var open = root;
    Array.prototype.forEach.call(root.querySelectorAll("nav.md-nav"), function (nav) {
      var toggle = toggleOf(nav);
      if (toggle && toggle.checked && open.contains(nav)) open = nav;
    });
    return open;
  }

  function update() {
    made.forEach(function (element) { element.inert = false; });
    made = [];
    if (menu) menu.setAttribute("aria-expanded", String(drawer.checked));
    var toc = document.getElementById("__toc");
    if (headings && toc) headings.setAttribute("aria-expanded", String(toc.checked));
    if (search.checked === false && results) setInert(results);
    if (phone.matches && !search.checked && searchBox) setInert(searchBox);
    if (!narrow.matches || !root) return;
    if (!drawer.checked) {
      setInert(sidebar);
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll("nav.md-nav"), function (nav) {
      var toggle = toggleOf(nav);
      if (toggle && !toggle.checked) setInert(nav);
    });
    var panel = openPanel();
    for (var node = panel; node !== root; node = node.parentElement) {
      Array.prototype.forEach.call(node.parentElement.children, function (sibling) {
        if (sibling !== node && sibling.tagName !== "INPUT") setInert(sibling);
      });
    }
    // The open panel's title closes it (back to its parent): a button, said open.
    var title = panel !== root && panel.querySelector(":scope > label.md-nav__title");
    if (title && !title.hasAttribute("role")) {
      asButton(title, null);
      title.setAttribute("aria-expanded", "true");
    }
  }

  if (!drawer || !search) return;
  // Material's back-to-top button starts hidden yet in the Tab order, until the reader first scrolls up
  // (on a short page, never): it stays out of the order while hidden, as Material does once it has shown it.
  document.querySelectorAll(".md-top[hidden]:not([tabindex])").forEach(function (top) {
    top.setAttribute("tabindex", "-1");
  });
  asButton(menu, "Menu");
  asButton(searchButton, "Ouvrir la recherche");
  // The current page's entry opens the panel of its headings (shown on phones only, as Material does).
  var headings = sidebar && sidebar.querySelector('label.md-nav__link[for="__toc"]');
  asButton(headings, null);
  update();
  narrow.addEventListener("change", update);
  phone.addEventListener("change", update);

  drawer.addEventListener("change", function () {
    update();
    // Opened from its button: the focus goes into the drawer, to the first entry in sight.
    if (drawer.checked && narrow.matches && document.activeElement === menu) {
      var first = focusable(openPanel());
      if (first) first.focus();
    }
  });
  if (sidebar) sidebar.addEventListener("change", function (event) {
    var toggle = event.target;
    if (!toggle.classList || !toggle.classList.contains("md-nav__toggle")) return;
    var had = document.activeElement;
    update();
    // Entering a panel or leaving it moves the focus with it, to what is now in sight.
    var item = toggle.parentElement;
    var nav = item.querySelector(":scope > nav");
    if (toggle.checked && nav && had && !nav.contains(had)) {
      var first = focusable(nav);
      if (first) first.focus();
    } else if (!toggle.checked && nav && had && nav.contains(had)) {
      var back = item.querySelector(":scope > .md-nav__link, :scope > label, :scope > a");
      var target = back && (back.matches("a[href], [tabindex='0']") ? back : focusable(back));
      if (target) target.focus();
    }
  });

  search.addEventListener("change", function () {
    var had = document.activeElement;
    update();
    // Material focuses the query when its button is clicked, before the box stops being inert.
    if (search.checked && phone.matches && had !== query) query.focus();
    // Closed with Escape on a phone: the focus goes back to the search button, not to the page's start.
    if (!search.checked && phone.matches && searchButton && searchBox.contains(had)) searchButton.focus();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && drawer.checked) {
      drawer.click();
      if (menu) menu.focus();
    }
  });
  document.addEventListener("focusin", function (event) {
    if (narrow.matches && drawer.checked && !sidebar.contains(event.target) && event.target !== menu) drawer.click();
  });
})();
