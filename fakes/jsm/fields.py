"""Request type fields of every kind the portal renders, shaped as GET .../requesttype/{id}/field answers
(`RequestTypeFieldDTO`): seed a request type with `state.add_request_type(..., fields=[dict(f) for f in EVERY_FIELD])`.
The option ids are what `requestFieldValues` must carry ({"id": "10100"}); the fake checks them.
"""

OPTIONS = [{"value": "10100", "label": "Laptop"}, {"value": "10101", "label": "Phone"}]
FLAVOURS = [{"value": "20", "label": "Red"}, {"value": "21", "label": "Green"}, {"value": "22", "label": "Blue"}]


def schema(kind, *, items=None, system=None, custom=None):
    found = {"type": kind}
    if items:
        found["items"] = items
    if system:
        found["system"] = system
    if custom:
        found["custom"] = f"com.atlassian.jira.plugin.system.customfieldtypes:{custom}"
    return found


def field(field_id, name, jira_schema, *, required=False, valid=None):
    return {
        "fieldId": field_id,
        "name": name,
        "required": required,
        "description": f"{name} help",
        "jiraSchema": jira_schema,
        "validValues": valid or [],
        "defaultValues": [],
        "visible": True,
    }


#: One field of every kind the portal supports, named as JSM names them.
EVERY_FIELD = [
    field("summary", "Summary", schema("string", system="summary"), required=True),
    field("description", "Description", schema("string", system="description")),
    field("customfield_10001", "Device", schema("option", custom="select"), required=True, valid=OPTIONS),
    field("customfield_10002", "Colours", schema("array", items="option", custom="multiselect"), valid=FLAVOURS),
    field("customfield_10003", "Urgency", schema("option", custom="radiobuttons"), valid=FLAVOURS),
    field("customfield_10004", "Affected", schema("array", items="option", custom="multicheckboxes"), valid=OPTIONS),
    field("customfield_10005", "Quantity", schema("number", custom="float")),
    field("customfield_10006", "Needed by", schema("date", custom="datepicker")),
    field("customfield_10007", "Meeting", schema("datetime", custom="datetime")),
    field("customfield_10008", "Link", schema("string", custom="url")),
    field("labels", "Labels", schema("array", items="string", system="labels")),
    field("customfield_10009", "Asset tag", schema("string", custom="textfield")),
    field("attachment", "Attachment", schema("array", items="attachment", system="attachment")),
]


def service_desk_schema(kind, custom, *, items=None):
    found = schema(kind, items=items)
    found["custom"] = f"com.atlassian.servicedesk:{custom}"
    return found


#: Cascading select options: parents with `children` (RequestTypeFieldValueDTO.children).
CASCADE = [
    {
        "value": "300",
        "label": "Hardware",
        "children": [{"value": "301", "label": "Laptop"}, {"value": "302", "label": "Dock"}],
    },
    {"value": "310", "label": "Software", "children": [{"value": "311", "label": "Email"}]},
    {"value": "320", "label": "Other", "children": []},
]

#: The kinds JSM's request type field API describes beyond EVERY_FIELD (issue 15): seed them next to it.
MORE_FIELDS = [
    field("customfield_10020", "Category", schema("option-with-child", custom="cascadingselect"), valid=CASCADE),
    field(
        "customfield_10021",
        "Organizations",
        service_desk_schema("array", "sd-customer-organizations", items="sd-customerorganization"),
    ),
    field("customfield_10022", "Manager", schema("user", custom="userpicker")),
    field(
        "customfield_10023",
        "Version",
        schema("version", custom="version"),
        valid=[{"value": "400", "label": "2.0"}],
    ),
    field("customfield_10024", "Asset", schema("array", items="any", custom="cmdb-object-cftype")),
]


def hidden_preset(field_id="customfield_10030", name="Channel", value="500"):
    """A field the request type hides with a preset value (JSM's portal never shows it; the API lists it)."""
    found = field(field_id, name, schema("option", custom="select"), valid=[{"value": value, "label": "Portal"}])
    found.update(visible=False, presetValues=[value])
    return found
