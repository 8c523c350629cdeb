"""Exceptions of the fp8mlir package."""


class MLIRError(Exception):
    """A parse, verification, pass-pipeline or JIT failure.

    ``diagnostics`` holds MLIR's diagnostics as emitted
    ("file:line:col: error: message", notes on following lines); ``str()``
    shows the summary and all of them.
    """

    def __init__(self, message, diagnostics=()):
        super().__init__(message, list(diagnostics))
        self.message = message
        self.diagnostics = list(diagnostics)

    def __str__(self):
        return "\n".join([self.message] + self.diagnostics)
