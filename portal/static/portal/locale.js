// The customer's time zone, detected once: if this browser has not chosen a zone yet, remember the one it
// reports and show the page again in it. A zone chosen on the time-zone page is never overwritten.
(function () {
  "use strict";
  var hasCookie = document.cookie.split("; ").some(function (c) { return c.indexOf("gw_tz=") === 0; });
  var detected = "";
  try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { detected = ""; }
  if (!hasCookie && detected) {
    var secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = "gw_tz=" + encodeURIComponent(detected) + "; path=/; max-age=31536000; samesite=lax" + secure;
    var shown = document.body ? document.body.getAttribute("data-time-zone") : "";
    if (shown && shown !== detected && document.querySelector("time")) { location.reload(); }
  }
})();
