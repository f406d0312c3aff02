"""When to see a doctor (shown at onboarding and with the stretches). Summarised in neckline's
own words from Mayo Clinic, MedlinePlus and NHS guidance (../shared/EVIDENCE.md)."""

EMERGENCY = (
    "Neck pain after an injury such as a fall, a car accident or a sports collision.",
    "Fever with a headache and a stiff neck (above 37.8 °C / 100 °F).",
    "New weakness in an arm or a leg, or trouble walking.",
    "Losing control of your bladder or bowels.",
)

SEE_A_CLINICIAN = (
    "Numbness, tingling or weakness in an arm or hand, or pain spreading down the arm.",
    "No improvement after about a week of looking after it yourself.",
    "Pain that wakes you at night.",
    "Trouble swallowing or breathing.",
    "Dizziness, double vision or fainting.",
)


def doctor_html() -> str:
    emergency = "".join(f"<li>{item}</li>" for item in EMERGENCY)
    clinician = "".join(f"<li>{item}</li>" for item in SEE_A_CLINICIAN)
    return ("<p><b>Get emergency care for:</b></p><ul>" + emergency + "</ul>"
            "<p><b>See a doctor or physiotherapist for:</b></p><ul>" + clinician + "</ul>"
            "<p>neckline helps you notice posture habits; it does not diagnose anything.</p>")
