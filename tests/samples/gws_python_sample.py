# The seed's "Python Example" (API Reference, "Cross Site Request Forgery Protection Example"),
# ported to Python 3 and kept as close to the original as possible. What changed, and why:
#   - print statements became print() calls; base64.b64encode takes and returns bytes in Python 3.
#   - The original stores the cookie in `jsessionid` but tests `jsessionId`, so it never sends the
#     session cookie and its POSTs could never carry a token of their session; the port uses one
#     name, `jsessionid` (docs/decisions.md, "Authentication and CSRF").
#   - `response_headers["set-cookie"]` raised KeyError when a response sets no cookie: `.get()`.
#   - GWS_BASE_URI may come from the environment (the test runs a server on a free port).
import base64
import httplib2
import json
import os

GWS_BASE_URI = os.environ.get("GWS_BASE_URI", "http://127.0.0.1:8080/api/v2")
ADMIN_USERNAME = "mikeb@redwings.com"
ADMIN_PASSWORD = "password"

CONTACT_CENTER_USERS = [
    {
        "userName": "bobp@redwings.com",
        "firstName": "Bob",
        "lastName": "Probert",
        "password": "password",
        "phoneNumber": "5019",
        "role": "ROLE_AGENT"
    }
]

X_CSRF_HEADER = "x-csrf-header"
X_CSRF_TOKEN = "x-csrf-token"

jsessionid = None
csrfHeaderName = None
csrfTokenValue = None

http = httplib2.Http(".cache")

def create_request_headers():
    request_headers = dict()
    request_headers["Content-Type"] = "application/json"
    request_headers["Authorization"] = "Basic " + base64.b64encode((ADMIN_USERNAME + ":" + ADMIN_PASSWORD).encode()).decode()

    if jsessionid:
        request_headers["Cookie"] = jsessionid
        print("Using JSESSIONID %s" % jsessionid)

    if csrfHeaderName and csrfTokenValue:
        print("Adding csrf header [%s] with value [%s]..." % (csrfHeaderName, csrfTokenValue))
        print()
        request_headers[csrfHeaderName] = csrfTokenValue
    else:
        print("No csrf token, skipping...")
        print()

    return request_headers

def post(uri, content):
    request_headers = create_request_headers()
    body = json.dumps(content, sort_keys=True, indent=4)

    print("POST %s (%s/%s)..." % (uri, ADMIN_USERNAME, ADMIN_PASSWORD))
    print(body)
    print()

    response_headers, response_content = http.request(uri, "POST", body = body, headers = request_headers)
    status = response_headers["status"]

    ugly_response = json.loads(response_content)
    pretty_response = json.dumps(ugly_response, sort_keys=True, indent=4)

    print("Response: %s" % (status))
    print("%s" % (pretty_response))
    print()

    return response_headers, ugly_response

def get(uri):

    global csrfHeaderName
    global csrfTokenValue
    global jsessionid

    request_headers = create_request_headers()
    print("GET %s (%s/%s)..." % (uri, ADMIN_USERNAME, ADMIN_PASSWORD))
    print()

    response_headers, response_content = http.request(uri, "GET", headers = request_headers)
    status = response_headers["status"]
    if response_headers.get("set-cookie"):
        jsessionid = response_headers["set-cookie"]
        print("Set JSESSIONID %s..." % jsessionid)

    ugly_response = json.loads(response_content)
    pretty_response = json.dumps(ugly_response, sort_keys=True, indent=4)

    print("Response: %s" % (status))
    print("%s" % (pretty_response))
    print()

    if X_CSRF_HEADER in response_headers:
        csrfHeaderName = response_headers[X_CSRF_HEADER]
        print("Saved csrf header name [%s]" % csrfHeaderName)

    if X_CSRF_TOKEN in response_headers:
        csrfTokenValue = response_headers[X_CSRF_TOKEN]
        print("Saved csrf token value [%s]" % csrfTokenValue)
        print()

    return response_headers, ugly_response

def check_response(response_headers, expected_code):
    if response_headers["status"] != expected_code:
        print("Request failed.")
        exit(-1)

def create_user(user_info):
    user_name = user_info["userName"]
    print("Creating user [%s]..." % (user_name))

    uri = "%s/users" % (GWS_BASE_URI)

    user = {
        "userName": user_name,
        "password": user_info["password"],
        "firstName": user_info["firstName"],
        "lastName": user_info["lastName"],
        "roles": [user_info["role"]]
    }

    response_headers, response_content = post(uri, user)
    check_response(response_headers, "200")

    user_id = response_content["id"]
    print("User [%s] created. User id [%s]." % (user_name, user_id))

    return user_id

def assign_device_to_user(user_id, phone_number):
    print("Creating device [%s] and assigning to user [%s]..." % (phone_number, user_id))

    uri = "%s/users/%s/devices" % (GWS_BASE_URI, user_id)

    device = {
        "phoneNumber": phone_number
    }

    response_headers, response_content = post(uri, device)
    check_response(response_headers, "200")

    device_id = response_content["id"]
    print("Device [%s] created and assigned to user id [%s]." % (device_id, user_id))

def create_users_and_devices():
    for user_info in CONTACT_CENTER_USERS:
        user_id = create_user(user_info)
        assign_device_to_user(user_id, user_info["phoneNumber"])

def getToken():
    uri = "%s/diagnostics/version" % (GWS_BASE_URI)

    response_headers, response_content = get(uri)
    check_response(response_headers, "200")

if __name__ == "__main__":
    getToken()
    create_users_and_devices()
