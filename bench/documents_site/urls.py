"""The portal's URLs plus the quote PDF view as it was before issue 11 (rendered on every click), so
``bench_documents.py`` measures both through the same gunicorn, side by side."""

from django.http import Http404, HttpResponse
from django.urls import path

from portal.access import customer_required
from portal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401
from quotes.documents import render_quote_pdf
from quotes.models import Quote
from quotes.services import quote_with_lines


@customer_required
def quote_pdf_render_per_click_view(request, pk: int) -> HttpResponse:
    try:
        quote = quote_with_lines(Quote.objects.visible_to(request.scope), pk=pk)
    except Quote.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(render_quote_pdf(quote, language=request.user.language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{quote.pdf_filename}"'
    return response


urlpatterns = [path("bench/quotes/<int:pk>/render-per-click/", quote_pdf_render_per_click_view), *urlpatterns]
