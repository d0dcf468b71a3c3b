"""One error body across the API: ``{"code", "message", "details"}``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from zhonglou.errors import ConflictError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed since you read it."
    default_code = "conflict"


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. not_found.")
    message = serializers.CharField(help_text="What went wrong, for people.")
    details = serializers.JSONField(
        help_text="Field errors ({field: [messages]}) or other facts, e.g. current_version."
    )


# The error responses of the OpenAPI schema, shared by every app's views.
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input."),
    401: OpenApiResponse(ErrorSerializer, description="No or unknown credentials."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed for this user or key."),
    404: OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests for this key."),
}
READ_ERRORS = {k: v for k, v in ERRORS.items() if k != 400}
# Lists also answer 400 to a bad filter, search or ordering value (e.g. ?year=abc).
LIST_ERRORS = {
    **READ_ERRORS,
    400: OpenApiResponse(ErrorSerializer, description="Invalid filter or search parameter."),
}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(ErrorSerializer, description="Stale version: someone saved first."),
}
# Endpoints that take an upload also answer 413 to a body beyond UPLOAD_MAX_BYTES.
UPLOAD_ERRORS = {
    **WRITE_ERRORS,
    413: OpenApiResponse(ErrorSerializer, description="The body is larger than the limit."),
}


def _django_to_drf(exc):
    if isinstance(exc, ConflictError):
        params = exc.params or {}
        conflict = Conflict(" ".join(exc.messages))
        conflict.details = {"current_version": params.get("current_version")}
        if "id" in params:  # ValueExists: the value to update instead, with its version
            conflict.details = {"id": params["id"], **conflict.details}
        return conflict
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return exceptions.ValidationError(detail)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    return exc


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def api_exception_handler(exc, context):
    exc = _django_to_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.ValidationError):
        code, message, details = "invalid", _first_message(detail), detail
    else:
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        message = str(detail)
        details = getattr(exc, "details", {}) or {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details = {"retry_after_seconds": int(exc.wait)}
    response.data = {"code": code, "message": message, "details": details}
    return response


def not_found(request, exception=None):
    """The project's 404 handler: under /api/ a URL that matches no route (e.g. a region code
    that is not six digits) answers with the API's error body, elsewhere the usual page."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": str(exceptions.NotFound.default_detail)}
        return JsonResponse({**body, "details": {}}, status=404)
    return page_not_found(request, exception)


class ApiNotFoundMiddleware:
    """With DEBUG on, Django answers a URL that matches no route with its HTML debug page
    instead of calling ``handler404``; under /api/ that page becomes the API's error body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            # Django's page (the debug one or the plain one), not an API view's 404 in any
            # format (JSON, CSV, XLSX).
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return not_found(request)
        return response


def error_response(status_code: int, code: str, message: str, details=None) -> Response:
    return Response(
        {"code": code, "message": message, "details": details or {}}, status=status_code
    )
