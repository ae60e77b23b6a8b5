import PayungCore
import Vapor

/// The claim routes' shapes in the OpenAPI document, beside the DTOs they describe.
extension ClaimController {
    static func addSchemas(_ app: Application) {
        let money = Schema.integer("Whole rupiah")
        let date = Schema.string(format: "date")
        let uuid = Schema.string(format: "uuid")
        let s = Schema.string()
        app.addAPISchemas([
            "ClaimSummary": Schema.object([
                "id": uuid, "number": s, "programID": uuid, "proposalID": uuid, "name": s, "village": s, "villageName": s,
                "kind": Schema.string(values: ClaimKind.allCases.map(\.rawValue)), "kindName": s,
                "status": Schema.string(values: ClaimStatus.allCases.map(\.rawValue)), "statusName": s,
                "eventDate": date, "reportedOn": date, "statusOn": date, "daysAtStep": Schema.integer(), "stuck": Schema.boolean,
                "waitingFor": s, "covered": Schema.boolean, "uncoveredReasonName": s, "suspectedWorkAccident": Schema.boolean,
                "decisionDeadline": date, "decisionDeadlineNear": Schema.boolean, "benefitEstimate": money, "paidAmount": money,
            ], required: ["id", "number", "programID", "proposalID", "name", "village", "villageName", "kind", "kindName", "status", "statusName",
                          "eventDate", "reportedOn", "statusOn", "daysAtStep", "stuck", "covered", "suspectedWorkAccident", "decisionDeadlineNear"]),
            "ClaimPage": PageDTO<ClaimSummaryDTO>.schema(of: "ClaimSummary"),
            "ClaimTotals": {
                let row = Schema.object(["key": s, "name": s, "cases": Schema.integer("Left out when suppressed"), "paid": money],
                                        required: ["key", "name"])
                return Schema.object([
                    "cases": Schema.integer(), "paidCases": Schema.integer(), "paid": money, "suppressedBelow": Schema.integer(),
                    "byKind": Schema.array(row), "byStatus": Schema.array(row), "byDistrict": Schema.array(row),
                ], required: ["byKind", "byStatus", "byDistrict"])
            }(),
            "ClaimParticipantQuery": Schema.object(["query": Schema.string("NIK (16 digits) or part of a name")], required: ["query"]),
            "ClaimParticipantList": Schema.object(["items": Schema.array(Schema.object([
                "proposalID": uuid, "name": s, "nikMasked": s, "village": s, "villageName": s, "program": s, "status": s, "statusName": s,
            ], required: ["proposalID", "name", "nikMasked", "village", "villageName", "program", "status", "statusName"]))], required: ["items"]),
            "ClaimReportInput": Schema.object([
                "proposalID": uuid, "nik": Schema.string("16 digits; or proposalID"),
                "kind": Schema.string(values: ClaimKind.allCases.map(\.rawValue)), "eventDate": date, "place": s, "account": s,
                "trafficAccident": Schema.boolean, "previousCaseID": uuid,
            ], required: ["kind", "eventDate"]),
            "ClaimStepInput": Schema.object([
                "action": Schema.string(values: ClaimAction.allCases.map(\.rawValue)), "note": s, "bpjsClaimNumber": s, "reason": s,
                "approvedAmount": money, "disabilityPercent": Schema.integer(), "incapacityMonths": Schema.integer(), "paidOn": date, "amount": money,
                "heirID": uuid, "bank": s, "account": s, "accountHolder": s,
            ], required: ["action"]),
            "ClaimHeirInput": Schema.object([
                "name": s, "relation": Schema.string(values: HeirRelation.allCases.map(\.rawValue)), "priority": Schema.integer(),
                "sharePercent": Schema.integer(), "birthDate": date, "schoolLevel": Schema.string(values: SchoolLevel.allCases.map(\.rawValue)),
                "yearInLevel": Schema.integer(), "endedOn": date, "bank": s, "account": s, "accountHolder": s,
            ], required: ["name", "relation"]),
            "ClaimPaymentInput": Schema.object([
                "kind": Schema.string(values: ["scholarship", "medical"]), "paidOn": date, "amount": money, "heirID": uuid,
                "schoolYear": Schema.integer(), "payee": s,
            ], required: ["kind", "paidOn", "amount"]),
            "ClaimDetail": Schema.object([
                "summary": Schema.ref("ClaimSummary"), "place": s, "account": s, "trafficAccident": Schema.boolean, "reporterName": s,
                "membershipStart": date,
                "coverage": Schema.object([
                    "covered": Schema.boolean, "reason": s, "reasonName": s, "byLatePayment": Schema.boolean, "latePaymentCounts": Schema.boolean,
                    "months": Schema.array(Schema.object([
                        "month": s, "monthName": s, "then": s, "thenName": s, "now": s, "nowName": s, "payer": s,
                    ], required: ["month", "monthName", "then", "thenName", "now", "nowName"])),
                    "note": s,
                ], required: ["covered", "byLatePayment", "latePaymentCounts", "months", "note"]),
                "benefit": Schema.object([
                    "ruleID": s, "legalBasis": s, "incomeBasis": money, "total": money,
                    "lines": Schema.array(Schema.object(["part": s, "partName": s, "amount": money, "basis": s],
                                                        required: ["part", "partName", "amount", "basis"])),
                ], required: ["ruleID", "legalBasis", "lines", "total"]),
                "documents": Schema.array(Schema.object([
                    "kind": s, "kindName": s, "required": Schema.boolean,
                    "files": Schema.array(Schema.object([
                        "id": uuid, "name": s, "contentType": s, "size": Schema.integer(), "uploadedOn": date, "uploadedBy": s,
                        "schoolYear": Schema.integer(), "heirID": uuid,
                    ], required: ["id", "name", "contentType", "size", "uploadedOn", "uploadedBy"])),
                ], required: ["kind", "kindName", "required", "files"])),
                "documentsMissing": Schema.array(s),
                "heirs": Schema.array(Schema.object([
                    "id": uuid, "name": s, "relation": s, "relationName": s, "priority": Schema.integer(), "sharePercent": Schema.integer(),
                    "birthDate": date, "schoolLevel": s, "yearInLevel": Schema.integer(), "endedOn": date, "bank": s, "account": s, "accountHolder": s,
                ], required: ["id", "name", "relation", "relationName", "priority", "sharePercent"])),
                "scholarships": Schema.array(Schema.object([
                    "heirID": uuid, "name": s, "refusal": s, "refusalName": s, "end": s, "endName": s, "total": money,
                    "years": Schema.array(Schema.object([
                        "schoolYear": Schema.integer(), "schoolYearName": s, "level": s, "levelName": s, "amount": money,
                        "state": Schema.string(values: ["upcoming", "proof_missing", "due", "paid"]), "stateName": s,
                    ], required: ["schoolYear", "schoolYearName", "level", "levelName", "amount", "state", "stateName"])),
                ], required: ["heirID", "name", "total", "years"])),
                "bpjsClaimNumber": s, "rejectionReason": s, "approvedAmount": money, "paidOn": date, "paidAmount": money, "paidHeirID": uuid,
                "paidBank": s, "paidAccount": s, "paidAccountHolder": s, "previousCaseID": uuid, "nextCaseID": uuid,
                "participationEnded": Schema.boolean,
                "payments": Schema.array(Schema.object([
                    "id": uuid, "kind": s, "kindName": s, "heirID": uuid, "schoolYear": Schema.integer(), "payee": s, "amount": money,
                    "paidOn": date, "recordedBy": s,
                ], required: ["id", "kind", "kindName", "amount", "paidOn", "recordedBy"])),
                "steps": Schema.array(Schema.object([
                    "action": s, "actionName": s, "from": s, "to": s, "toName": s, "byName": s, "at": Schema.string(format: "date-time"), "note": s,
                ], required: ["action", "actionName", "to", "toName", "byName", "at"])),
                "availableActions": Schema.array(Schema.string(values: ClaimAction.allCases.map(\.rawValue))),
            ], required: ["summary", "place", "account", "trafficAccident", "reporterName", "coverage", "documents", "documentsMissing", "heirs",
                          "scholarships", "participationEnded", "payments", "steps", "availableActions"]),
        ])
    }
}
