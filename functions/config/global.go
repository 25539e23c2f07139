package config

// globalConfigJSON is Tianji's global configuration; absent optional strings
// are null.
type globalConfigJSON struct {
	AllowRegister             bool              `json:"allowRegister"`
	WebsiteID                 *string           `json:"websiteId"`
	AmapToken                 *string           `json:"amapToken"`
	MapboxToken               *string           `json:"mapboxToken"`
	AlphaMode                 bool              `json:"alphaMode"`
	DisableAnonymousTelemetry bool              `json:"disableAnonymousTelemetry"`
	CustomTrackerScriptName   *string           `json:"customTrackerScriptName"`
	ServerTimezone            string            `json:"serverTimezone"`
	AuthProvider              []string          `json:"authProvider"`
	CustomAuthProviderIcon    *string           `json:"customAuthProviderIcon"`
	SMTPAvailable             bool              `json:"smtpAvailable"`
	EnableBilling             bool              `json:"enableBilling"`
	AI                        aiJSON            `json:"ai"`
	EnableFunctionWorker      bool              `json:"enableFunctionWorker"`
	Observability             observabilityJSON `json:"observability"`
}

type aiJSON struct {
	Enable        bool `json:"enable"`
	ContextWindow int  `json:"contextWindow"`
}

type observabilityJSON struct {
	Tianji tianjiJSON `json:"tianji"`
}

type tianjiJSON struct {
	BaseURL   *string `json:"baseUrl"`
	WebsiteID *string `json:"websiteId"`
}

func newGlobalConfigJSON(c Config) globalConfigJSON {
	providers := c.AuthProvider
	if providers == nil {
		providers = []string{}
	}
	return globalConfigJSON{
		AllowRegister:             c.AllowRegister,
		WebsiteID:                 optional(c.WebsiteID),
		AmapToken:                 optional(c.AmapToken),
		MapboxToken:               optional(c.MapboxToken),
		AlphaMode:                 c.AlphaMode,
		DisableAnonymousTelemetry: c.DisableAnonymousTelemetry,
		CustomTrackerScriptName:   optional(c.CustomTrackerScriptName),
		ServerTimezone:            c.ServerTimezone,
		AuthProvider:              providers,
		CustomAuthProviderIcon:    optional(c.CustomAuthProviderIcon),
		SMTPAvailable:             c.SMTPAvailable,
		EnableBilling:             c.EnableBilling,
		AI:                        aiJSON{Enable: c.AIEnable, ContextWindow: c.AIContextWindow},
		EnableFunctionWorker:      c.EnableFunctionWorker,
		Observability:             observabilityJSON{Tianji: tianjiJSON{BaseURL: optional(c.TianjiBaseURL), WebsiteID: optional(c.TianjiWebsiteID)}},
	}
}

// optional is nil for "", so an unset value is JSON null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
