class ReadOnlyAdminMixin:
    """Records that change only through the procedure's services (which record decisions):
    the admin shows them but cannot add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
