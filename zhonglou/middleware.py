"""Language selection: Chinese unless the user switched to English."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Chinese unless the language cookie (the switch in the header) says otherwise;
    office machines often announce English in Accept-Language while their users read Chinese.
    API clients choose with Accept-Language as usual."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
