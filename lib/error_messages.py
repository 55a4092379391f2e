"""Explanation and fix, in French and English, of every known error code.

Covers the Urssaf codes of ``urssaf-api.md`` section 5 (plus the advice of
vendors' help pages such as Abby's) and the codes the client itself puts in
its exceptions (``exceptions.UrssafError.code``). The Odoo side shows these
next to Urssaf's own message.
"""

# code -> (French, English): what happened, then how to fix it.
ERROR_EXPLANATIONS = {
    # Payment requests (demandes de paiement).
    "ERR_DATE_FUTUR": (
        "La période de prestation est dans le futur. Transmettez la demande une "
        "fois la prestation réalisée, avec une date de fin passée.",
        "The service period is in the future. Send the request once the service "
        "has been performed, with an end date in the past.",
    ),
    "ERR_DATE_PAIEMENT_AVANT_EXP": (
        "La date de la demande est antérieure au lancement de l'avance immédiate. "
        "Vérifiez les dates de facture et de prestation.",
        "The request date is before the start of the scheme. Check the invoice "
        "and service dates.",
    ),
    "ERR_PERIODE_EMPLOI_MOIS_NON_UNIQUE": (
        "Les dates de début et de fin de prestation sont à cheval sur deux mois. "
        "Elles doivent être dans le même mois de la même année : faites une "
        "facture par mois.",
        "The service start and end dates span two months. They must be in the "
        "same month of the same year: issue one invoice per month.",
    ),
    "ERR_DATE_FIN_AVANT_DATE_DEB": (
        "La date de fin de prestation précède la date de début. Corrigez les " "dates.",
        "The service end date is before the start date. Correct the dates.",
    ),
    "ERR_MONTANT_ACOMPTE": (
        "L'acompte dépasse le montant autorisé (50 % du total TTC). Réduisez "
        "l'acompte déclaré.",
        "The deposit exceeds the allowed amount (50% of the total incl. VAT). "
        "Reduce the declared deposit.",
    ),
    "ERR_ACOMPTE_BLOQUE": (
        "Votre structure n'est pas autorisée à déclarer des acomptes. Retirez "
        "l'acompte ou contactez l'Urssaf.",
        "Your organisation may not declare deposits. Remove the deposit or "
        "contact Urssaf.",
    ),
    "ERR_TOTAL_PRESTATIONS": (
        "La somme des lignes TTC ne correspond pas au total TTC de la facture. "
        "Vérifiez les lignes, remises et arrondis de la facture.",
        "The sum of the lines incl. VAT does not match the invoice total. Check "
        "the invoice's lines, discounts and rounding.",
    ),
    "ERR_CODE_NATURE": (
        "Le code nature de la prestation est inconnu. Choisissez une nature de "
        "service à la personne valide sur l'article facturé.",
        "The service nature code is unknown. Set a valid personal-service "
        "nature on the invoiced product.",
    ),
    "ERR_CODE_ACTIVITE": (
        "Le code activité est inconnu. Corrigez-le ou retirez-le (il est "
        "facultatif).",
        "The activity code is unknown. Correct it or remove it (it is optional).",
    ),
    "ERR_CODE_ACTIVITE_NATURE": (
        "Le code activité ne correspond pas à la nature de la prestation. "
        "Corrigez le code activité ou retirez-le.",
        "The activity code does not belong to the service nature. Correct the "
        "activity code or remove it.",
    ),
    "ERR_FORMAT_VALEUR": (
        "Un montant a plus de deux décimales. Arrondissez les montants au " "centime.",
        "An amount has more than two decimals. Round the amounts to the cent.",
    ),
    "ERR_MNT_PREST_HT_TVA": (
        "Sur une ligne, le montant HT plus la TVA ne donne pas le montant TTC. "
        "Corrigez les montants de la ligne.",
        "On a line, the amount excl. VAT plus VAT does not equal the amount "
        "incl. VAT. Correct the line amounts.",
    ),
    "ERR_MNT_PREST_TTC": (
        "Sur une ligne, le montant TTC n'est pas égal à quantité × prix "
        "unitaire. Corrigez le prix unitaire ou la quantité.",
        "On a line, the amount incl. VAT is not quantity × unit price. Correct "
        "the unit price or the quantity.",
    ),
    "ERR_NBRE_PREST_MAX": (
        "Plus de 10 demandes de paiement ont été envoyées en un seul appel. "
        "Renvoyez-les par lots de 10 au plus.",
        "More than 10 payment requests were sent in one call. Send them in "
        "batches of at most 10.",
    ),
    "ERR_VALEUR_NEGATIVE": (
        "Un montant ou une quantité est négatif. Les avoirs et remises ne se "
        "transmettent pas : intégrez la remise dans le prix unitaire.",
        "An amount or quantity is negative. Credit notes and discounts cannot "
        "be sent: include the discount in the unit price.",
    ),
    "ERR_PARTICULIER_INCONNU": (
        "Client inconnu de l'Urssaf, ou date de naissance différente de celle "
        "de l'inscription. Vérifiez que le client est inscrit et activé, et sa "
        "date de naissance.",
        "Customer unknown to Urssaf, or birth date different from the one "
        "registered. Check that the customer is registered and activated, and "
        "the birth date.",
    ),
    "ERR_PRESTATAIRE_EMETTEUR_INCONNU": (
        "Aucun prestataire ne correspond à vos identifiants API. Vérifiez votre "
        "habilitation et vos identifiants auprès de l'Urssaf.",
        "No provider matches your API credentials. Check your habilitation and "
        "credentials with Urssaf.",
    ),
    "ERR_PRESTATAIRE_FACTURATION_INCONNU": (
        "L'identifiant du tiers de facturation est inconnu. Vérifiez la valeur "
        "configurée ou contactez l'Urssaf.",
        "The billing party id is unknown. Check the configured value or contact "
        "Urssaf.",
    ),
    "ERR_LIEN_PARTICULIER_PRESTATAIRE": (
        "Pas de lien actif avec ce client aux dates de prestation : son espace "
        "particulier n'est pas encore activé, ou la prestation commence avant "
        "l'activation. Attendez l'activation ou décalez les dates de prestation "
        "après la date d'activation.",
        "No active link with this customer at the service dates: the customer "
        "has not activated the Urssaf account yet, or the service starts before "
        "the activation. Wait for the activation or move the service dates "
        "after it.",
    ),
    "ERR_FACTURE_DOUBLON": (
        "Ce numéro de facture a déjà été transmis. Recherchez d'abord si la "
        "demande existe déjà chez l'Urssaf ; sinon, annulez la facture par un "
        "avoir et transmettez une nouvelle facture avec un nouveau numéro.",
        "This invoice number was already sent. First search whether the request "
        "already exists at Urssaf; otherwise cancel the invoice with a credit "
        "note and send a new invoice with a new number.",
    ),
    "ERR_CMPT_BLOQUE": (
        "Le compte du client est bloqué (par exemple après un prélèvement "
        "rejeté). Le client doit régulariser auprès de l'Urssaf ; réessayez "
        "plus tard.",
        "The customer's account is blocked (for instance after a rejected "
        "debit). The customer must settle it with Urssaf; try again later.",
    ),
    "ERR_MANDAT_ECHU": (
        "Le mandat de prélèvement du client a expiré. Le client doit le "
        "renouveler dans son espace particulier Urssaf.",
        "The customer's direct-debit mandate has expired. The customer must "
        "renew it in the Urssaf online account.",
    ),
    "ERREUR_GARANTIE_FINANCIERE_NON_CONFORME": (
        "Votre garantie financière est absente, insuffisante ou expirée. "
        "Mettez-la à jour auprès de l'Urssaf.",
        "Your financial guarantee is missing, insufficient or expired. Update "
        "it with Urssaf.",
    ),
    "ERR_FORMAT_NUMINTERVENANT": (
        "Le numéro de l'intervenant est mal formé. Indiquez SAP suivi du SIREN "
        "(9 chiffres) ou SIR suivi du SIRET (14 chiffres).",
        "The provider number is malformed. Use SAP followed by the SIREN "
        "(9 digits) or SIR followed by the SIRET (14 digits).",
    ),
    "ERR_NUMINTERVENANT_MANQUANT": (
        "Le numéro de l'intervenant manque. Configurez votre numéro de "
        "déclaration SAP (ou SIRET).",
        "The provider number is missing. Configure your SAP declaration number "
        "(or SIRET).",
    ),
    "ERR_NUMINTERVENANT_BLOQUE": (
        "L'intervenant n'est pas autorisé par l'Urssaf. Vérifiez le numéro "
        "utilisé ou contactez l'Urssaf.",
        "The provider is not authorised by Urssaf. Check the number used or "
        "contact Urssaf.",
    ),
    # Searches.
    "ERR_CRITERE_RECHERCHE_VIDE": (
        "Aucun critère de recherche n'a été transmis. Indiquez des identifiants, "
        "des numéros de facture ou une période.",
        "No search criterion was sent. Give ids, invoice numbers or a period.",
    ),
    "ERR_NBRE_MAX_RESULTAT": (
        "La recherche renvoie trop de résultats. Réduisez la période ou "
        "recherchez par identifiants.",
        "The search returns too many results. Shorten the period or search by " "ids.",
    ),
    "ERR_RECHERCHE_VIDE": (
        "Aucune demande de paiement ne correspond à la recherche.",
        "No payment request matches the search.",
    ),
    "ERR_RECHERCHE_PARTICULIER": (
        "Aucun client ne correspond, ou le client a rompu le lien avec vous. "
        "Vérifiez l'identifiant ou réinscrivez le client.",
        "No customer matches, or the customer ended the link with you. Check "
        "the id or register the customer again.",
    ),
    # Customer registration (inscription).
    "ERR_DGFIP_R2P_INCONNU": (
        "Les impôts ne connaissent pas cette identité. Reprenez exactement "
        "l'état civil de l'avis d'imposition : civilité, nom de naissance, tous "
        "les prénoms, date et lieu de naissance (code commune valable à la date "
        "de naissance).",
        "The tax office does not know this identity. Copy the civil status "
        "exactly as on the tax notice: civility, birth name, all first names, "
        "birth date and place (commune code valid at the birth date).",
    ),
    "ERR_DGFIP_IMPOTPART_INCONNU": (
        "La situation fiscale du client ne permet pas le service : aucune "
        "déclaration de revenus n'a été trouvée. Le client doit avoir déposé au "
        "moins une déclaration.",
        "The customer's tax situation does not allow the service: no income-tax "
        "return was found. The customer must have filed at least one return.",
    ),
    "ERR_ECV_PARTICULIERS_EXISTENT": (
        "Plusieurs personnes correspondent à cet état civil. Complétez les "
        "prénoms et vérifiez le lieu de naissance.",
        "Several people match this civil status. Add all first names and check "
        "the birth place.",
    ),
    "ERREUR_REFERENCE_PARTICULIER_EXISTANTE_TYPE": (
        "Ce couple e-mail et téléphone portable est déjà utilisé par un autre "
        "particulier. Utilisez les coordonnées propres au client.",
        "This e-mail and mobile pair is already used by another person. Use the "
        "customer's own contact details.",
    ),
    "ERR_DATE_NAISSANCE_FUTUR": (
        "La date de naissance est dans le futur. Corrigez-la.",
        "The birth date is in the future. Correct it.",
    ),
    "ERR_LIEU_NAISSANCE_OBLIGATOIRE": (
        "Le nom de la commune de naissance doit être renseigné. Complétez-le.",
        "The name of the birth commune is required. Fill it in.",
    ),
    "ERREUR_LIEU_NAISSANCE_DEPT": (
        "Le département de naissance est obligatoire pour une naissance en "
        "France. Renseignez la commune de naissance.",
        "The birth department is required for a birth in France. Fill in the "
        "birth commune.",
    ),
    "ERREUR_LIEU_NAISSANCE_DEPT_FORMAT": (
        "Le département de naissance est mal formé (3 caractères attendus, ex. "
        "069, 02A, 974). Corrigez la commune de naissance.",
        "The birth department is malformed (3 characters expected, e.g. 069, "
        "02A, 974). Correct the birth commune.",
    ),
    "ERR_LIEU_NAISSANCE_COMN": (
        "Le code de la commune de naissance est obligatoire pour une naissance "
        "en France. Renseignez-le.",
        "The birth commune code is required for a birth in France. Fill it in.",
    ),
    "ERREUR_LIEU_NAISSANCE_PAYS": (
        "Un département ou une commune de naissance est indiqué pour une "
        "naissance à l'étranger. Retirez-les ou corrigez le pays de naissance.",
        "A birth department or commune is given for a birth abroad. Remove them "
        "or correct the birth country.",
    ),
    "ERREUR_LIEU_NAISSANCE_OBLIGATOIRE": (
        "Le lieu de naissance manque. Renseignez le pays et, en France, la "
        "commune de naissance.",
        "The birth place is missing. Fill in the country and, in France, the "
        "birth commune.",
    ),
    "ERREUR_LIEU_NAISSANCE_INVALIDE": (
        "Le nom de la commune de naissance contient des caractères interdits "
        "(par exemple « ; »). Corrigez-le.",
        'The birth commune name contains forbidden characters (e.g. ";"). '
        "Correct it.",
    ),
    "ERR_CONTACT": (
        "Téléphone, e-mail ou adresse incomplet ou invalide. Si le client est "
        "déjà connu de l'Urssaf, ils doivent être identiques à ceux de son "
        "espace particulier.",
        "Phone, e-mail or address incomplete or invalid. If the customer is "
        "already known to Urssaf, they must match the customer's online "
        "account.",
    ),
    "ERR_CONTACT_ADRESSE_TYPE_VOIE": (
        "Le type de voie est inconnu. Choisissez un type de la liste Urssaf.",
        "The road type is unknown. Choose a type from the Urssaf list.",
    ),
    "ERR_CONTACT_ADRESSE_TYPEVOIE": (
        "Le type de voie est obligatoire quand un libellé de voie est indiqué. "
        "Complétez l'adresse.",
        "The road type is required when a road name is given. Complete the " "address.",
    ),
    "ERR_CONTACT_ADRESSE_LETTRE_VOIE": (
        "La lettre de voie est inconnue (B, T, Q ou C attendu). Corrigez-la.",
        "The street letter is unknown (B, T, Q or C expected). Correct it.",
    ),
    "ERR_CONTACT_ADRESSE_LIBELLEVOIE": (
        "Le libellé de voie est obligatoire quand un type de voie est indiqué. "
        "Complétez l'adresse.",
        "The road name is required when a road type is given. Complete the " "address.",
    ),
    "ERR_CONTACT_ADRESSE_INFORMATION_SUPPLEMENTAIRE": (
        "L'adresse doit comporter une voie (type et libellé), un complément ou "
        "un lieu-dit. Complétez l'adresse.",
        "The address needs a road (type and name), a complement or a locality. "
        "Complete the address.",
    ),
    "ERR_CONTACT_ADRESSE_COMMUNE": (
        "La commune de l'adresse est introuvable. Indiquez le code INSEE de la "
        "commune (et non le code postal).",
        "The address commune cannot be found. Give the commune's INSEE code "
        "(not the postal code).",
    ),
    "ERR_COORDONNEES_BANCAIRES": (
        "Le BIC ou l'IBAN est invalide. Recopiez-les depuis le RIB du client.",
        "The BIC or IBAN is invalid. Copy them from the customer's bank details.",
    ),
    "ERR_APPEL_BACB": (
        "La vérification des coordonnées bancaires a échoué. Vérifiez le BIC et "
        "l'IBAN puis réessayez.",
        "The bank-details check failed. Check the BIC and IBAN and try again.",
    ),
    "ERR_COMPTE_BLOQUE": (
        "Le compte du particulier est bloqué : l'inscription est impossible. Le "
        "client doit contacter l'Urssaf.",
        "The customer's account is blocked: registration is impossible. The "
        "customer must contact Urssaf.",
    ),
    "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE": (
        "Ce client est déjà inscrit chez vous. Consultez l'état de son compte "
        "au lieu de l'inscrire à nouveau.",
        "This customer is already registered with you. Check the account status "
        "instead of registering again.",
    ),
    "ERR_LIEN_TIERS_PRESTATION_PARTICULIER": (
        "L'Urssaf n'a pas pu associer ce client à votre structure. Réessayez "
        "plus tard ou contactez l'Urssaf.",
        "Urssaf could not link this customer to your organisation. Try again "
        "later or contact Urssaf.",
    ),
    # Any operation.
    "ERREUR_VALIDATION": (
        "La requête ne respecte pas le format attendu par l'Urssaf ; le détail "
        "indique le champ en cause. Corrigez ce champ.",
        "The request does not follow the format Urssaf expects; the details "
        "name the field. Correct that field.",
    ),
    "PARAM_INVALIDE": (
        "Un paramètre de la requête est incorrect ; le détail indique lequel. "
        "Corrigez-le.",
        "A request parameter is incorrect; the details say which. Correct it.",
    ),
    "ERREUR_TECHNIQUE": (
        "Erreur technique chez l'Urssaf. Réessayez plus tard.",
        "Technical error at Urssaf. Try again later.",
    ),
    # Codes set by the client (lib.client), not by Urssaf.
    "BAD_REQUEST": (
        "L'Urssaf a refusé la requête sans donner de détail. Vérifiez les "
        "données envoyées puis réessayez.",
        "Urssaf refused the request without details. Check the data sent and "
        "try again.",
    ),
    "NETWORK_ERROR": (
        "Impossible de joindre l'Urssaf (réseau). Réessayez plus tard.",
        "Urssaf could not be reached (network). Try again later.",
    ),
    "TIMEOUT": (
        "L'Urssaf n'a pas répondu à temps. Réessayez plus tard.",
        "Urssaf did not answer in time. Try again later.",
    ),
    "OUTCOME_UNKNOWN": (
        "La requête est partie mais la réponse de l'Urssaf a été perdue : elle a "
        "peut-être été prise en compte. Ne la renvoyez pas ; une recherche "
        "permettra de savoir si elle a été reçue.",
        "The request was sent but Urssaf's answer was lost: it may have been "
        "processed. Do not resend it; a search will tell whether it arrived.",
    ),
    "NOT_SENT": (
        "Non transmise car un lot précédent a échoué. Réessayez plus tard.",
        "Not sent because a previous batch failed. Try again later.",
    ),
    "MAINTENANCE": (
        "Le service de l'Urssaf est indisponible (maintenance). Réessayez plus "
        "tard.",
        "The Urssaf service is unavailable (maintenance). Try again later.",
    ),
    "RATE_LIMITED": (
        "Trop de requêtes envoyées à l'Urssaf. Réessayez dans quelques minutes.",
        "Too many requests sent to Urssaf. Try again in a few minutes.",
    ),
    "SERVER_ERROR": (
        "Le serveur de l'Urssaf a rencontré une erreur. Réessayez plus tard.",
        "The Urssaf server failed. Try again later.",
    ),
    "INVALID_RESPONSE": (
        "La réponse de l'Urssaf est illisible. Réessayez plus tard ; pour un "
        "envoi, faites d'abord une recherche.",
        "Urssaf's answer cannot be read. Try again later; for a submission, "
        "search first.",
    ),
    "AUTH_FAILED": (
        "Authentification refusée par l'Urssaf. Vérifiez l'identifiant et le "
        "secret client de l'API et l'environnement (production ou test).",
        "Authentication refused by Urssaf. Check the API client id and secret "
        "and the environment (production or sandbox).",
    ),
    "FORBIDDEN": (
        "Accès refusé : ces identifiants ne sont pas habilités à l'API Tiers de "
        "prestation. Vérifiez votre habilitation auprès de l'Urssaf.",
        "Access denied: these credentials are not entitled to the API Tiers de "
        "prestation. Check your habilitation with Urssaf.",
    ),
    "TOKEN_ERROR": (
        "Impossible d'obtenir un jeton d'accès. Vérifiez l'identifiant et le "
        "secret client de l'API et l'environnement (production ou test).",
        "No access token could be obtained. Check the API client id and secret "
        "and the environment (production or sandbox).",
    ),
    "CONFIGURATION": (
        "L'adresse de l'API Urssaf configurée est invalide. Corrigez-la dans "
        "les paramètres.",
        "The configured Urssaf API address is invalid. Correct it in the " "settings.",
    ),
}


def explain_error(code):
    """(French, English) explanation and fix for an error code.

    Unknown codes get a generic text that still names the code, so that the
    user can quote it to Urssaf support.
    """
    if code in ERROR_EXPLANATIONS:
        return ERROR_EXPLANATIONS[code]
    return (
        f"L'Urssaf a renvoyé l'erreur {code}. Consultez le message associé ; si "
        "le problème persiste, contactez l'Urssaf en citant ce code.",
        f"Urssaf returned error {code}. Read the message that comes with it; if "
        "the problem persists, contact Urssaf quoting this code.",
    )
