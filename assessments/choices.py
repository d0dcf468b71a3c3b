"""The scoring engine's values as Django choices (model fields, forms, filters, API fields).

The values, their icons and words are defined once, in the pure engine
(assessments.scoring.types); these classes are derived from them, so a new mode, status or
verdict is added there only. Their members equal the engine's (both are the plain strings).
"""

from assessments.scoring import types
from zhonglou.choices import text_choices

Mode = text_choices(types.Mode, __name__)
Status = text_choices(types.Status, __name__)
Verdict = text_choices(types.Verdict, __name__)
Progress = text_choices(types.Progress, __name__)
