"""The room: dashboard controls, ipywidgets dashboards, exercises, serving."""
