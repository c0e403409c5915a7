// The identity provider form follows its preset: only that protocol's fieldset and that preset's fields and
// help show, the domain field takes the preset's label and example, and the callback/ACS URL and SP entity id
// are previewed from the tenant and slug as they are typed (before the first save).
(function () {
  "use strict";

  function row(name) {
    return document.querySelector(".form-row.field-" + name);
  }

  function show(element, visible) {
    if (element) element.classList.toggle("hidden", !visible);
  }

  // The attribute mapping takes the new preset's defaults where it still holds the previous preset's.
  let previous = null;
  function followMapping(data, key) {
    const before = previous && data.presets[previous] ? data.presets[previous].mapping : null;
    const after = data.presets[key] ? data.presets[key].mapping : null;
    previous = key;
    if (!before || !after || before === after) return;
    Object.keys(after).forEach(function (name) {
      const input = document.getElementById("id_mapping-0-" + name);
      if (input && input.value === (before[name] || "")) input.value = after[name] || "";
    });
  }

  function setHelp(name, text) {
    const help = document.getElementById("id_" + name + "_helptext");
    if (help && text) help.textContent = text;
  }

  function apply(data) {
    const select = document.getElementById("id_preset");
    if (!select) return;
    const preset = data.presets[select.value] || { protocol: "oidc" };
    followMapping(data, select.value);
    document.querySelectorAll("fieldset.gw-protocol-oidc, fieldset.gw-protocol-saml").forEach(function (set) {
      show(set, set.classList.contains("gw-protocol-" + preset.protocol));
    });
    document.querySelectorAll(".gw-where").forEach(function (help) {
      help.hidden = help.dataset.preset !== select.value;
    });
    show(row("domain"), preset.protocol === "oidc" && preset.needsDomain);
    show(row("discovery_url"), preset.discoveryUrl);
    const domainLabel = document.querySelector("label[for=id_domain]");
    if (domainLabel && preset.domainLabel) domainLabel.textContent = preset.domainLabel + ":";
    const domain = document.getElementById("id_domain");
    if (domain) domain.placeholder = preset.domainPlaceholder || "";
    const clientId = document.getElementById("id_client_id");
    if (clientId) clientId.placeholder = preset.clientPlaceholder || "";
    // The field help names this preset's console only (the model's help text names several providers).
    setHelp("client_id", preset.clientHelp);
    setHelp("client_secret", preset.clientHelp && "From the same page as the client id. Stored encrypted; never shown again.");
    setHelp("domain", preset.domainHelp);
    const metadataUrl = document.getElementById("id_metadata_url");
    if (metadataUrl) metadataUrl.placeholder = preset.metadataPlaceholder || "https://idp.example.com/saml/metadata";
    previewUrls(data);
  }

  function previewUrls(data) {
    const tenant = document.getElementById("id_tenant");
    const slug = document.getElementById("id_slug");
    let tenantSlug = "";
    if (tenant && tenant.selectedOptions && tenant.selectedOptions.length) {
      tenantSlug = tenant.selectedOptions[0].dataset.slug || "";
    } else if (!tenant) {
      return; // a saved row whose tenant is read-only keeps the URLs the server rendered
    }
    const providerSlug = slug ? slug.value.trim() : "";
    document.querySelectorAll("[data-gw-url]").forEach(function (code) {
      const kind = code.dataset.gwUrl;
      const url = tenantSlug && /^[-a-zA-Z0-9_]+$/.test(providerSlug)
        ? data.urls[kind].replace(data.tenant, tenantSlug).replace(data.provider, providerSlug)
        : "";
      code.textContent = url;
      const field = code.parentElement;
      const button = field.querySelector(".gw-copy");
      if (button) {
        button.dataset.copy = url;
        button.hidden = !url;
      }
      const empty = field.querySelector(".gw-url-empty");
      if (empty) empty.hidden = Boolean(url);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const script = document.getElementById("gw-provider-form");
    if (!script) return;
    const data = JSON.parse(script.textContent);
    const select = document.getElementById("id_preset");
    previous = select ? select.dataset.gwSaved || select.value : null;
    apply(data);
    ["id_preset", "id_tenant"].forEach(function (id) {
      const element = document.getElementById(id);
      if (element) element.addEventListener("change", function () { apply(data); });
    });
    ["id_slug", "id_name"].forEach(function (id) {
      const element = document.getElementById(id);
      if (element) {
        element.addEventListener("input", function () { previewUrls(data); });
        element.addEventListener("change", function () { previewUrls(data); });
      }
    });
  });
})();
