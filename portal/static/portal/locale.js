// The customer's time zone, detected once: if this browser has not chosen a zone yet, remember the one it
// reports and show the page again in it. A zone chosen on the time-zone page is never overwritten.
(function () {
  "use strict";
  // A value with "%" was written URL-encoded (Asia%2FTokyo), which the server does not read: detect again.
  var hasCookie = document.cookie.split("; ").some(function (c) {
    return c.indexOf("gw_tz=") === 0 && c.indexOf("%") === -1;
  });
  var detected = "";
  try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { detected = ""; }
  // An IANA zone name (Asia/Tokyo, America/Argentina/Buenos_Aires, Etc/GMT+5) is made of characters a cookie
  // value may hold as they are; the server reads the cookie as written (no URL decoding), so it is not encoded.
  if (!/^[A-Za-z0-9_+\/-]{1,64}$/.test(detected)) { detected = ""; }
  if (!hasCookie && detected) {
    var secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = "gw_tz=" + detected + "; path=/; max-age=31536000; samesite=lax" + secure;
    var shown = document.body ? document.body.getAttribute("data-time-zone") : "";
    if (shown && shown !== detected && document.querySelector("time")) { location.reload(); }
  }
})();
