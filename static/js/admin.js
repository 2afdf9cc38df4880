"use strict";
// Django's filter widget (SelectFilter2.js) labels its search icon with aria-label on a plain <span>, which
// ARIA does not allow (axe: aria-prohibited-attr). Giving the icon the role of an image makes the label valid.
// The widget is built on "load", so this runs just after it.
window.addEventListener("load", () => {
    setTimeout(() => {
        document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach((icon) => {
            icon.setAttribute("role", "img");
        });
    });
});
