from django.db import models


class IdempotencyRecord(models.Model):
    """The stored answer to a write sent with an Idempotency-Key, replayed when the client retries."""

    principal = models.CharField(max_length=64)  # hash of who sent it (token or session)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # hash of method, path and body
    status_code = models.PositiveSmallIntegerField(null=True)  # null while the first request runs
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return self.key
