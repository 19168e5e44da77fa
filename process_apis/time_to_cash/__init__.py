"""Time-to-cash: approved time to invoice to ERP revenue, once per project and month."""
