"""Session-state keys, in one place. The first three are streamlit-authenticator's own."""

AUTH_STATUS = "authentication_status"
USERNAME = "username"
ROLES = "roles"
LOGIN_NOTICE = "leadops_login_notice"  # a refusal to show on the next run of the login page
FLASH = "leadops_flash"  # messages to show after the rerun that follows a change
SELECTED_LEAD = "leadops_selected_lead"
LEAD_PAGE = "leadops_lead_page"
BULK_PLAN = "leadops_bulk_plan"
