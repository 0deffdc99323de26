"""Page-numbered lists that never count the whole list: a page costs one read of its rows."""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


class UncountedPage(Page):
    """A page that knows whether another follows because it read one row more than it shows."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def start_index(self):
        if not self.object_list:
            return 0
        return self.paginator.per_page * (self.number - 1) + 1

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class UncountedPaginator(Paginator):
    """A Paginator that reads `per_page + 1` rows instead of counting every row.

    Its pages have `has_next()`, `has_previous()` and the page numbers either side, which is all
    "Newer" and "Older" links need; there is no total (`uncounted` tells templates so), so a
    page's cost does not grow with the list. Only a request past the end counts, to answer the
    last page as Django's `get_page()` does. Orphans are not supported (they need the count).
    """

    uncounted = True

    def __init__(self, object_list, per_page, allow_empty_first_page=True):
        super().__init__(object_list, per_page, allow_empty_first_page=allow_empty_first_page)

    def validate_number(self, number):
        """A whole number from 1; whether such a page has rows is the page's read to find."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        return UncountedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number):
        """A page that exists: the first for a junk or too-small number, the last (the one case
        that counts) for a number past the end."""
        try:
            return self.page(self.validate_number(number))
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            try:
                number = self.validate_number(number)
            except EmptyPage:
                return self.page(1)
            return self.page(max(self.num_pages, 1))
